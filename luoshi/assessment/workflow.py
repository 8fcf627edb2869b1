"""The assessment steps, on the one workflow helper (``luoshi.core.workflow``):

草稿/已计算 --计算--> 已计算 --提交复核--> 复核中 --复核通过--> 已复核 --发布--> 已发布 (final);
复核中/已复核 --退回重算 (with a comment)--> 已计算. Publishing is refused while a score still
waits for a manual score.

Separation of duties (in force while ``assessment_review`` is listed in
``settings.SEPARATION_OF_DUTIES``, the default): 计算 (computing and submitting), 复核 and
发布 are three people. Whoever
computed an assessment may not review or publish it, whoever reviewed it may not publish
it, across every round (a person who recomputes after a 退回 becomes its 计算 person).
"""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from luoshi.assessment.models import Assessment, AssessmentStatus
from luoshi.core import metrics
from luoshi.core.indicators import SYSTEM
from luoshi.core.workflow import Separation, Transition, Workflow, WorkflowError, taken_by

S = AssessmentStatus


def nothing_pending(user, assessment) -> bool:
    """Every assessed score has a score (all of them, whoever publishes: ``SYSTEM``)."""
    pending = metrics.of_object(
        "assessment_pending", user=SYSTEM, params={"assessment": assessment.pk}
    ).count
    if pending:
        raise WorkflowError(_("尚有 %(n)d 项指标待手工评分，评分完成后才能发布。") % {"n": pending})
    return True


SCORE_PERMISSION = "assessment.score_assessment"
calculator = taken_by("assessment.compute_assessment")

ASSESSMENT = Workflow(
    "assessment.assessment",
    model=Assessment,
    frozen=[S.REVIEWED, S.PUBLISHED],
    separations=[
        Separation(
            {
                gettext_lazy("计算"): [S.DRAFT, S.COMPUTED],
                gettext_lazy("复核"): [S.REVIEW],
                gettext_lazy("发布"): [S.REVIEWED],
            },
            switch="assessment_review",  # settings.SEPARATION_OF_DUTIES
        )
    ],
    transitions=[
        calculator("compute", gettext_lazy("计算"), [S.DRAFT, S.COMPUTED], S.COMPUTED),
        calculator("submit", gettext_lazy("提交复核"), S.COMPUTED, S.REVIEW),
        Transition(
            "review",
            gettext_lazy("复核通过"),
            S.REVIEW,
            S.REVIEWED,
            permission=SCORE_PERMISSION,
            allowed=nothing_pending,
            confirm=gettext_lazy(
                "复核通过后分数锁定，不能再修改或退回重算，只待发布；确定复核通过吗？"
            ),
        ),
        Transition(
            "return",
            gettext_lazy("退回重算"),
            [S.REVIEW, S.REVIEWED],
            S.COMPUTED,
            permission=SCORE_PERMISSION,
            comment_required=True,
        ),
        Transition(
            "publish",
            gettext_lazy("发布"),
            S.REVIEWED,
            S.PUBLISHED,
            permission="assessment.publish_assessment",
            allowed=nothing_pending,
            confirm=gettext_lazy("发布后考核结果对被考核单位可见，分数不能再修改；确定发布吗？"),
        ),
    ],
)
