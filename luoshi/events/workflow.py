"""The event filing flow: 草稿 → 审核中 (each step of the chain) → 已批准 → 已举办.

The chain is resolved when the event is submitted (``EventReview`` rows); the state stays
「审核中」 while ``current_step`` walks along it, so each approval is guarded by the step
index as well as the state: two reviewers cannot take the same step twice.
"""

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from luoshi.core.workflow import Separation, Transition, Workflow, WorkflowError
from luoshi.events.models import EventFiling, EventStatus


def current_review(event):
    return event.reviews.filter(order=event.current_step).select_related("role", "review_unit")


def _may_review(user, event) -> bool:
    review = current_review(event).first()
    if review is None:
        raise WorkflowError(_("该备案没有待办的审核环节。"))
    if user.pk == event.created_by_id:
        raise WorkflowError(_("不能审核本人填报的备案。"))
    if user.unit_id != review.review_unit_id or not user.groups.filter(pk=review.role_id).exists():
        raise WorkflowError(
            _("「%(step)s」须由%(unit)s的%(role)s办理。")
            % {"step": review.label, "unit": review.review_unit.name, "role": review.role.name}
        )
    return True


def _has_started(user, event) -> bool:
    if timezone.localtime(event.start_at).date() > timezone.localdate():
        raise WorkflowError(
            _("活动定于%(date)s举办，尚未到举办日期，不能登记举办情况。")
            % {"date": f"{timezone.localtime(event.start_at):%Y-%m-%d}"}
        )
    return True


def _is_last(event) -> bool:
    return event.current_step + 1 >= event.reviews.count()


EVENT_FLOW = Workflow(
    "events.filing",
    states=EventStatus,
    model=EventFiling,
    frozen=[EventStatus.HELD],
    # Each step of the review chain by another person, within the current submission.
    separations=[
        Separation({gettext_lazy("审核"): [EventStatus.REVIEWING]}, repeat=False, since="submit")
    ],
    transitions=[
        Transition(
            "submit",
            gettext_lazy("提交审核"),
            source=[EventStatus.DRAFT, EventStatus.REFUSED],
            target=EventStatus.REVIEWING,
            permission="events.change_eventfiling",
        ),
        Transition(
            "approve",
            gettext_lazy("审核通过"),
            source=EventStatus.REVIEWING,
            target=EventStatus.REVIEWING,
            permission="events.review_eventfiling",
            allowed=lambda user, event: not _is_last(event) and _may_review(user, event),
        ),
        Transition(
            "approve_final",
            gettext_lazy("批准"),
            source=EventStatus.REVIEWING,
            target=EventStatus.APPROVED,
            permission="events.review_eventfiling",
            allowed=lambda user, event: _is_last(event) and _may_review(user, event),
        ),
        Transition(
            "refuse",
            gettext_lazy("不予批准"),
            source=EventStatus.REVIEWING,
            target=EventStatus.REFUSED,
            permission="events.review_eventfiling",
            allowed=_may_review,
            comment_required=True,
        ),
        Transition(
            "hold",
            gettext_lazy("登记举办情况"),
            source=EventStatus.APPROVED,
            target=EventStatus.HELD,
            permission="events.change_eventfiling",
            allowed=_has_started,
            confirm=gettext_lazy("登记后备案表锁定，举办情况不能再修改；确定登记举办情况吗？"),
        ),
    ],
)
