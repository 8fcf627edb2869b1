"""The event filing flow: 草稿 → 审核中 (each step of the chain) → 已批准 → 已举办.

The chain is resolved when the event is submitted (``EventReview`` rows); the state stays
「审核中」 while ``current_step`` walks along it, so each approval is guarded by the step
index as well as the state: two reviewers cannot take the same step twice.
"""

from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from luoshi.core.workflow import Separation, Transition, Workflow, WorkflowError, taken_by
from luoshi.events.models import EventFiling, EventReview, EventStatus


def current_review(event):
    return event.reviews.filter(order=event.current_step).select_related("role", "review_unit")


def _may_review(user, event) -> bool:
    review = current_review(event).first()
    if review is None:
        raise WorkflowError(_("该备案没有待办的审核环节。"))
    if user.unit_id != review.review_unit_id or not user.holds_role(review.role_id):
        raise WorkflowError(
            _("「%(step)s」须由%(unit)s的%(role)s办理。")
            % {"step": review.label, "unit": review.review_unit.name, "role": review.role.name}
        )
    return True


def reviewable(events, user):
    """``events`` narrowed in the query to those under review whose current step is the
    user's (``_may_review``: the step's unit is the user's, its role one the user holds).
    The workflow still decides each one (permission, separation of duties)."""
    if not user.unit_id:
        return events.none()
    steps = EventReview.objects.filter(
        event=OuterRef("pk"),
        order=OuterRef("current_step"),
        review_unit_id=user.unit_id,
        role_id__in=user.groups.values("pk"),
    )
    return events.filter(Exists(steps), status=EventStatus.REVIEWING)


def _has_started(user, event) -> bool:
    if timezone.localtime(event.start_at).date() > timezone.localdate():
        raise WorkflowError(
            _("活动定于%(date)s举办，尚未到举办日期，不能登记举办情况。")
            % {"date": f"{timezone.localtime(event.start_at):%Y-%m-%d}"}
        )
    return True


def _is_last(event) -> bool:
    return event.current_step + 1 >= event.reviews.count()


S = EventStatus
FILE_PERMISSION = "events.change_eventfiling"
REVIEW_PERMISSION = "events.review_eventfiling"
filer = taken_by(FILE_PERMISSION)
reviewer = taken_by(REVIEW_PERMISSION, _may_review)


def _may_pass_on(user, event) -> bool:
    return not _is_last(event) and _may_review(user, event)


def _may_approve(user, event) -> bool:
    return _is_last(event) and _may_review(user, event)


EVENT_FLOW = Workflow(
    "events.filing",
    model=EventFiling,
    frozen=[S.HELD],
    # Never by the organizer who filed it, and each step of the review chain by another
    # person, within the current submission.
    separations=[
        Separation(
            {gettext_lazy("审核"): [S.REVIEWING]},
            repeat=False,
            since="submit",
            authors=("created_by",),
            authored=gettext_lazy("填报"),
        )
    ],
    transitions=[
        filer("submit", gettext_lazy("提交审核"), [S.DRAFT, S.REFUSED], S.REVIEWING),
        Transition(
            "approve",
            gettext_lazy("审核通过"),
            S.REVIEWING,
            S.REVIEWING,
            permission=REVIEW_PERMISSION,
            allowed=_may_pass_on,
        ),
        Transition(
            "approve_final",
            gettext_lazy("批准"),
            S.REVIEWING,
            S.APPROVED,
            permission=REVIEW_PERMISSION,
            allowed=_may_approve,
        ),
        reviewer("refuse", gettext_lazy("不予批准"), S.REVIEWING, S.REFUSED, comment_required=True),
        Transition(
            "hold",
            gettext_lazy("登记举办情况"),
            S.APPROVED,
            S.HELD,
            permission=FILE_PERMISSION,
            allowed=_has_started,
            confirm=gettext_lazy("登记后备案表锁定，举办情况不能再修改；确定登记举办情况吗？"),
        ),
    ],
)
