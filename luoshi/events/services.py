"""Writes of event filings. Every state change goes through ``EVENT_FLOW``."""

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from luoshi.accounts.models import Role, User
from luoshi.core.history import saved_by
from luoshi.core.workflow import WorkflowError
from luoshi.events import selectors
from luoshi.events.models import EventFiling, EventReview, EventStatus, ReviewerLevel
from luoshi.events.workflow import EVENT_FLOW
from luoshi.evidence import services as evidence_services
from luoshi.evidence.selectors import current_evidence
from luoshi.ledger import services as ledger_services
from luoshi.notices.models import Notice
from luoshi.notices.services import notify
from luoshi.units.models import Unit

SAFETY_PLAN_TITLE = "安全预案"
EDITABLE = (EventStatus.DRAFT, EventStatus.REFUSED)


# --- drafting -------------------------------------------------------------------------------


@transaction.atomic
def save_event(*, form, speakers, user, files=(), safety_plan=None) -> EventFiling:
    """Create or update a draft with its speakers (an inline formset) and attachments."""
    event = form.save(commit=False)
    if event.pk and event.status not in EDITABLE:
        raise WorkflowError(_("只有草稿或未通过的备案可以修改。"))
    saved_by(event, user)
    speakers.instance = event
    speakers.save()
    for uploaded in files:
        evidence_services.attach_file(owner=event, uploaded=uploaded, user=user)
    if safety_plan:
        evidence_services.attach_file(
            owner=event, uploaded=safety_plan, user=user, title=SAFETY_PLAN_TITLE
        )
    return event


# --- the review chain -----------------------------------------------------------------------


def _ancestor(unit, unit_type_id):
    ancestors = list(Unit.objects.get_ancestors(unit))
    for candidate in reversed(ancestors):
        if unit_type_id is None or candidate.unit_type_id == unit_type_id:
            return candidate
    return None


def resolve_chain(unit) -> list[dict]:
    """The steps reviewing an event of ``unit``: its own chain, the nearest ancestor chain
    that applies to the subtree, or the default (本单位领导 → 上级单位审核员)."""
    chain = selectors.chain_for(unit)
    if chain is None:
        steps = [
            {"label": _("本单位负责人审批"), "role": Role.objects.get(code="leader"), "unit": unit}
        ]
        parent = Unit.objects.get_parent(unit)
        if parent is not None:
            reviewer = Role.objects.get(code="reviewer")
            steps.append({"label": _("上级单位审核"), "role": reviewer, "unit": parent})
        return steps
    steps = []
    for step in chain.steps.select_related("role", "ancestor_type"):
        review_unit = unit
        if step.level == ReviewerLevel.ANCESTOR:
            review_unit = _ancestor(unit, step.ancestor_type_id)
            if review_unit is None:
                kind = step.ancestor_type.name if step.ancestor_type else _("上级单位")
                raise WorkflowError(
                    _("审核流程「%(chain)s」的环节「%(step)s」需要%(kind)s，但%(unit)s没有。")
                    % {"chain": chain.name, "step": step.label, "kind": kind, "unit": unit.name}
                )
        steps.append({"label": step.label, "role": step.role, "unit": review_unit})
    if not steps:
        raise WorkflowError(_("审核流程「%(chain)s」没有审核环节。") % {"chain": chain.name})
    return steps


def rule_violations(event) -> list[str]:
    """Chinese messages for each filing rule ``event`` breaks (empty: it may be submitted)."""
    messages = []
    attachments = current_evidence(event)
    for rule in selectors.rules_for(event.unit):
        if event.expected_audience <= rule.min_audience:
            continue
        tag = rule.required_tag
        if not attachments.filter(Q(title__contains=tag) | Q(original_name__contains=tag)).exists():
            messages.append(
                _("预计人数%(n)d人，超过%(min)d人，须上传“%(tag)s”附件后再提交（%(rule)s）。")
                % {"n": event.expected_audience, "min": rule.min_audience, "tag": tag, "rule": rule}
            )
    if not event.speakers.exists():
        messages.append(_("请至少填写一位主讲人后再提交。"))
    return messages


def _reviewers(review):
    return User.objects.filter(unit=review.review_unit, groups=review.role_id, is_active=True)


def _notify_next(event):
    review = event.reviews.filter(order=event.current_step).first()
    if review is None:
        return
    notify(
        _reviewers(review).exclude(pk__in=EVENT_FLOW.barred_actors(event, event.status)),
        title=_("讲座论坛备案待审核：%(topic)s") % {"topic": event.topic},
        body=_("%(unit)s报送，待「%(step)s」。") % {"unit": event.unit.name, "step": review.label},
        url=event.get_absolute_url(),
        dedupe_key=f"event:{event.pk}:{event.submitted_at:%Y%m%d%H%M%S%f}:{review.order}",
    )


@transaction.atomic
def submit(*, event: EventFiling, user) -> EventFiling:
    """Check the rules, resolve the chain and send the event to its first reviewer."""
    if event.status not in EDITABLE:
        EVENT_FLOW.apply(event, "submit", user=user)  # raises the state message
    problems = rule_violations(event)
    if problems:
        raise WorkflowError("；".join(p.rstrip("。") for p in problems) + "。")
    steps = resolve_chain(event.unit)
    event.reviews.all().delete()
    EventReview.objects.bulk_create(
        EventReview(event=event, order=i, label=s["label"], role=s["role"], review_unit=s["unit"])
        for i, s in enumerate(steps)
    )
    EVENT_FLOW.apply(
        event, "submit", user=user, current_step=0, submitted_at=timezone.now(), approved_at=None
    )
    _notify_next(event)
    return event


@transaction.atomic
def decide(*, event: EventFiling, user, approve: bool, comment: str = "") -> EventFiling:
    """The current reviewer approves (the next step, or 已批准 after the last) or refuses."""
    step = event.current_step
    if not approve:
        EVENT_FLOW.apply(event, "refuse", user=user, comment=comment, guard={"current_step": step})
        notify(
            [event.created_by],
            title=_("讲座论坛备案未通过：%(topic)s") % {"topic": event.topic},
            body=comment,
            url=event.get_absolute_url(),
            kind=Notice.Kind.RETURNED,
        )
        return event
    last = step + 1 >= event.reviews.count()
    EVENT_FLOW.apply(
        event,
        "approve_final" if last else "approve",
        user=user,
        comment=comment,
        guard={"current_step": step},
        current_step=step + 1,
        **({"approved_at": timezone.now()} if last else {}),
    )
    if last:
        notify(
            [event.created_by],
            title=_("讲座论坛备案已批准：%(topic)s") % {"topic": event.topic},
            url=event.get_absolute_url(),
            kind=Notice.Kind.ACCEPTED,
        )
    else:
        _notify_next(event)
    return event


@transaction.atomic
def record_held(
    *, event: EventFiling, user, activity_type, actual_audience: int, summary: str, files=()
) -> EventFiling:
    """After the event: actual audience, summary, evidence, and one ledger record.

    The evidence is attached before the step: once 已举办 the filing is final (frozen)."""
    for uploaded in files:
        evidence_services.attach_file(owner=event, uploaded=uploaded, user=user)
        uploaded.seek(0)
    EVENT_FLOW.apply(
        event, "hold", user=user, actual_audience=actual_audience, held_summary=summary
    )
    speakers = "、".join(f"{s.name}（{s.affiliation}）" for s in event.speakers.all())
    record = ledger_services.record_activity(
        unit=event.unit,
        activity_type=activity_type,
        date=timezone.localtime(event.start_at).date(),
        title=event.topic,
        user=user,
        audience_count=actual_audience,
        location=event.place[:200],
        summary=summary,
        outcome=_("主讲：%(speakers)s。实际参加%(n)d人。")
        % {"speakers": speakers, "n": actual_audience},
        tags=event.get_kind_display(),
    )
    EventFiling.objects.filter(pk=event.pk).update(ledger_record=record)
    event.ledger_record = record
    for uploaded in files:
        evidence_services.attach_file(owner=record, uploaded=uploaded, user=user)
    return event


@transaction.atomic
def delete_event(*, event: EventFiling) -> None:
    if event.status not in EDITABLE:
        raise WorkflowError(_("只有草稿或未通过的备案可以删除。"))
    evidence_services.delete_all_for(event)
    event.delete()


# --- configuration --------------------------------------------------------------------------


@transaction.atomic
def save_chain(*, form, steps, user):
    chain = saved_by(form.save(commit=False), user)
    steps.instance = chain
    steps.save()
    return chain


@transaction.atomic
def save_rule(*, form, user):
    return saved_by(form.save(commit=False), user)
