"""三审: 草稿 → 待初审 → 待复审 → 待终审 → 待发布 → 已发布; any review step may return
the draft to its author (已退回) with comments, and the author resubmits.

Separation of duties is enforced here, server-side, for every step: the author never
reviews their own item, each step is taken by the role configured for it in the item's
unit (or a unit above), and nobody takes two different review steps of the same item
(read from the item's WorkflowStep history, across every round).
"""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from luoshi.core.workflow import Separation, Transition, Workflow, WorkflowError
from luoshi.publications.models import REVIEW_STEPS, Publication, PublicationStatus

S = PublicationStatus
PASS: dict[str, str] = {S.FIRST: "pass_first", S.SECOND: "pass_second", S.FINAL: "pass_final"}
STEP_PERMISSION = {
    S.FIRST: "publications.review_publication",
    S.SECOND: "publications.review_publication",
    S.FINAL: "publications.final_review_publication",
}


def check_reviewer(user, item) -> bool:
    """May ``user`` take the current review step of ``item``? Raises with the reason."""
    from luoshi.publications.selectors import role_for_step

    state = item.status
    if state not in REVIEW_STEPS:
        return False
    step = REVIEW_STEPS[state]
    if not user.has_perm(STEP_PERMISSION[state]):
        raise WorkflowError(_("您没有「%(step)s」权限。") % {"step": step})
    if user.pk in (item.author_id, item.created_by_id):
        raise WorkflowError(_("不能审核本人起草的稿件。"))
    role = role_for_step(item.unit, state)
    in_line = user.unit is not None and user.unit.path in item.unit.lineage_paths
    if not in_line or not user.groups.filter(pk=role.pk).exists():
        raise WorkflowError(
            _("「%(step)s」须由%(unit)s（或上级单位）的%(role)s办理。")
            % {"step": step, "unit": item.unit.name, "role": role.name}
        )
    return True


def _is_author(user, item) -> bool:
    if user.pk != item.author_id:
        raise WorkflowError(_("只有作者本人可以提交送审。"))
    return True


PUBLICATION_FLOW = Workflow(
    "publications.review",
    states=PublicationStatus,
    model=Publication,
    frozen=[S.APPROVED, S.PUBLISHED],
    # Nobody takes two different review steps of the same item, across every round.
    separations=[Separation({REVIEW_STEPS[s]: [s] for s in (S.FIRST, S.SECOND, S.FINAL)})],
    transitions=[
        Transition(
            "submit",
            gettext_lazy("送审"),
            source=[S.DRAFT, S.RETURNED],
            target=S.FIRST,
            permission="publications.change_publication",
            allowed=_is_author,
        ),
        Transition(
            "pass_first",
            gettext_lazy("初审通过"),
            source=S.FIRST,
            target=S.SECOND,
            permission="publications.review_publication",
            allowed=check_reviewer,
        ),
        Transition(
            "pass_second",
            gettext_lazy("复审通过"),
            source=S.SECOND,
            target=S.FINAL,
            permission="publications.review_publication",
            allowed=check_reviewer,
        ),
        Transition(
            "pass_final",
            gettext_lazy("终审通过"),
            source=S.FINAL,
            target=S.APPROVED,
            permission="publications.final_review_publication",
            allowed=check_reviewer,
            confirm=gettext_lazy("终审通过后稿件定稿，不能再修改或退回；确定终审通过吗？"),
        ),
        Transition(
            "reject",
            gettext_lazy("退回修改"),
            source=[S.FIRST, S.SECOND, S.FINAL],
            target=S.RETURNED,
            allowed=check_reviewer,
            comment_required=True,
        ),
        Transition(
            "publish",
            gettext_lazy("登记发布"),
            source=S.APPROVED,
            target=S.PUBLISHED,
            permission="publications.change_publication",
            confirm=gettext_lazy("登记发布后发布记录锁定，不能再修改；确定登记发布吗？"),
        ),
    ],
)
