"""三审: 草稿 → 待初审 → 待复审 → 待终审 → 待发布 → 已发布; any review step may return
the draft to its author (已退回) with comments, and the author resubmits.

Separation of duties is enforced here, server-side, for every step: the author never
reviews their own item and nobody takes two different review steps of the same item (the
core ``Separation``, read from the item and its WorkflowStep history, across every round),
and each step is taken by the role configured for it in the item's unit (or a unit above).
"""

from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from luoshi.accounts.models import Role
from luoshi.core.scope import subtree_q
from luoshi.core.workflow import Separation, Workflow, WorkflowError, taken_by
from luoshi.publications.models import (
    DEFAULT_ROLES,
    REVIEW_STEPS,
    Publication,
    PublicationStatus,
    ReviewConfig,
)

S = PublicationStatus
PASS: dict[str, str] = {S.FIRST: "pass_first", S.SECOND: "pass_second", S.FINAL: "pass_final"}
STEP_PERMISSION = {
    S.FIRST: "publications.review_publication",
    S.SECOND: "publications.review_publication",
    S.FINAL: "publications.final_review_publication",
}


def config_for(unit):
    """The three-step configuration of ``unit``: its own or the nearest ancestor's."""
    return unit.own_or_inherited(
        ReviewConfig.objects.select_related("first_role", "second_role", "final_role")
    )


def role_for_step(unit, state) -> Role:
    """The role that takes step ``state`` of the items of ``unit`` (its configuration, else
    the default role of the step)."""
    config = config_for(unit)
    if config is not None:
        return config.role_for(state)
    return Role.objects.get(code=DEFAULT_ROLES[state])


def check_reviewer(user, item) -> bool:
    """May ``user`` take the current review step of ``item``? Raises with the reason."""
    state = item.status
    if state not in REVIEW_STEPS:
        return False
    step = REVIEW_STEPS[state]
    if not user.has_perm(STEP_PERMISSION[state]):
        raise WorkflowError(_("您没有「%(step)s」权限。") % {"step": step})
    role = role_for_step(item.unit, state)
    in_line = user.unit is not None and user.unit.path in item.unit.lineage_paths
    if not in_line or not user.holds_role(role.pk):
        raise WorkflowError(
            _("「%(step)s」须由%(unit)s（或上级单位）的%(role)s办理。")
            % {"step": step, "unit": item.unit.name, "role": role.name}
        )
    return True


def _is_author(user, item) -> bool:
    if user.pk != item.author_id:
        raise WorkflowError(_("只有作者本人可以提交送审。"))
    return True


REVIEW_STATES = [S.FIRST, S.SECOND, S.FINAL]
EDIT_PERMISSION = "publications.change_publication"  # 送审 of one's own, 登记发布


def actionable(items, user):
    """``items`` narrowed in the query to those whose current step ``user`` could take: a
    review step the user holds the permission of, of the user's unit or a unit below it
    (``check_reviewer``'s line), and 登记发布 with the edit permission. The workflow still
    decides each one (the configured role, separation of duties)."""
    states = [s for s in REVIEW_STATES if user.has_perm(STEP_PERMISSION[s])]
    steps = Q(pk__in=[])
    if states and user.unit_id:
        steps |= Q(status__in=states) & subtree_q(Publication.scope_spec, user.unit.path)
    if user.has_perm(EDIT_PERMISSION):
        steps |= Q(status=S.APPROVED)
    return items.filter(steps)


author = taken_by(EDIT_PERMISSION, _is_author)
reviewer = taken_by(STEP_PERMISSION[S.FIRST], check_reviewer)
final_reviewer = taken_by(STEP_PERMISSION[S.FINAL], check_reviewer)
any_reviewer = taken_by(allowed=check_reviewer)  # the step's permission: ``check_reviewer``
editor = taken_by(EDIT_PERMISSION)

# What the page asks once before an irreversible step is taken.
CONFIRM = {
    "pass_final": gettext_lazy("终审通过后稿件定稿，不能再修改或退回；确定终审通过吗？"),
    "publish": gettext_lazy("登记发布后发布记录锁定，不能再修改；确定登记发布吗？"),
}

PUBLICATION_FLOW = Workflow(
    "publications.review",
    model=Publication,
    frozen=[S.APPROVED, S.PUBLISHED],
    # The author never reviews their own item, and nobody takes two different review steps
    # of the same item, across every round.
    separations=[
        Separation(
            {REVIEW_STEPS[s]: [s] for s in REVIEW_STATES},
            authors=("author", "created_by"),
            authored=gettext_lazy("起草"),
        )
    ],
    transitions=[
        author("submit", gettext_lazy("送审"), [S.DRAFT, S.RETURNED], S.FIRST),
        reviewer("pass_first", gettext_lazy("初审通过"), S.FIRST, S.SECOND),
        reviewer("pass_second", gettext_lazy("复审通过"), S.SECOND, S.FINAL),
        final_reviewer(
            "pass_final",
            gettext_lazy("终审通过"),
            S.FINAL,
            S.APPROVED,
            confirm=CONFIRM["pass_final"],
        ),
        any_reviewer(
            "reject", gettext_lazy("退回修改"), REVIEW_STATES, S.RETURNED, comment_required=True
        ),
        editor(
            "publish", gettext_lazy("登记发布"), S.APPROVED, S.PUBLISHED, confirm=CONFIRM["publish"]
        ),
    ],
)
