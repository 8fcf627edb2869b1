"""Writes of publications. Every state change goes through ``PUBLICATION_FLOW``."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from luoshi.core.history import saved_by
from luoshi.core.workflow import WorkflowError
from luoshi.evidence import services as evidence_services
from luoshi.evidence.selectors import has_current_evidence
from luoshi.notices.models import Notice
from luoshi.notices.services import notify
from luoshi.publications import selectors
from luoshi.publications.models import REVIEW_STEPS, Publication, PublicationStatus
from luoshi.publications.workflow import PASS, PUBLICATION_FLOW

EDITABLE = (PublicationStatus.DRAFT, PublicationStatus.RETURNED)


@transaction.atomic
def save_publication(*, form, user, files=()) -> Publication:
    item = form.save(commit=False)
    if item.pk and item.status not in EDITABLE:
        raise WorkflowError(_("只有草稿或已退回的稿件可以修改。"))
    if not item.pk:
        item.author = user
    saved_by(item, user)
    for uploaded in files:
        evidence_services.attach_file(owner=item, uploaded=uploaded, user=user)
    return item


def _notify_reviewers(item):
    state = item.status
    if state not in REVIEW_STEPS:
        return
    notify(
        selectors.eligible_reviewers(item, state),
        title=_("稿件待%(step)s：%(title)s") % {"step": REVIEW_STEPS[state], "title": item.title},
        body=_("%(unit)s · %(channel)s") % {"unit": item.unit.name, "channel": item.channel_name},
        url=item.get_absolute_url(),
    )


@transaction.atomic
def submit(*, item: Publication, user) -> Publication:
    if not item.body.strip() and not has_current_evidence(item):
        raise WorkflowError(_("请填写正文或上传稿件附件后再送审。"))
    PUBLICATION_FLOW.apply(item, "submit", user=user, submitted_at=timezone.now())
    _notify_reviewers(item)
    return item


@transaction.atomic
def review(*, item: Publication, user, step: str, approve: bool, comment: str = ""):
    """Take review ``step`` (the state the reviewer saw: first/second/final) of ``item``."""
    if step not in PASS:
        raise WorkflowError(_("未知的审核环节。"))
    if approve:
        PUBLICATION_FLOW.apply(item, PASS[step], user=user, comment=comment)
    else:
        if item.status != step:  # the reviewer saw another step than the current one
            raise WorkflowError(
                _("当前状态为「%(state)s」，不能执行「%(step)s」退回。")
                % {"state": item.get_status_display(), "step": REVIEW_STEPS[step]}
            )
        PUBLICATION_FLOW.apply(item, "reject", user=user, comment=comment)
    if item.status == PublicationStatus.RETURNED:
        notify(
            [item.author],
            title=_("稿件被退回：%(title)s") % {"title": item.title},
            body=comment,
            url=item.get_absolute_url(),
            kind=Notice.Kind.RETURNED,
        )
    elif item.status == PublicationStatus.APPROVED:
        notify(
            [item.author],
            title=_("稿件已通过终审，可以发布：%(title)s") % {"title": item.title},
            url=item.get_absolute_url(),
            kind=Notice.Kind.ACCEPTED,
        )
    else:
        _notify_reviewers(item)
    return item


@transaction.atomic
def publish(*, item: Publication, user, url: str, at=None) -> Publication:
    PUBLICATION_FLOW.apply(
        item, "publish", user=user, published_url=url, published_at=at or timezone.now()
    )
    return item


@transaction.atomic
def delete_publication(*, item: Publication) -> None:
    if item.status != PublicationStatus.DRAFT:
        raise WorkflowError(_("只有草稿可以删除。"))
    evidence_services.delete_all_for(item)
    item.delete()


@transaction.atomic
def save_config(*, form, user):
    return saved_by(form.save(commit=False), user)
