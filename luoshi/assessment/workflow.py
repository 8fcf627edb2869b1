"""The assessment steps, on the one workflow helper (``luoshi.core.workflow``):

草稿/已计算 --计算--> 已计算 --提交复核--> 复核中 --发布--> 已发布 (frozen);
复核中 --退回重算 (with a comment)--> 已计算. Publishing is refused while a score still
waits for a manual score.
"""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from luoshi.assessment.models import AssessmentStatus
from luoshi.core.workflow import Transition, Workflow, WorkflowError

S = AssessmentStatus


def nothing_pending(user, assessment) -> bool:
    from luoshi.assessment.selectors import pending_count

    pending = pending_count(assessment)
    if pending:
        raise WorkflowError(_("尚有 %(n)d 项指标待手工评分，评分完成后才能发布。") % {"n": pending})
    return True


ASSESSMENT = Workflow(
    "assessment.assessment",
    states=AssessmentStatus,
    transitions=[
        Transition(
            "compute",
            gettext_lazy("计算"),
            source=[S.DRAFT, S.COMPUTED],
            target=S.COMPUTED,
            permission="assessment.compute_assessment",
        ),
        Transition(
            "submit",
            gettext_lazy("提交复核"),
            source=S.COMPUTED,
            target=S.REVIEW,
            permission="assessment.compute_assessment",
        ),
        Transition(
            "return",
            gettext_lazy("退回重算"),
            source=S.REVIEW,
            target=S.COMPUTED,
            permission="assessment.score_assessment",
            comment_required=True,
        ),
        Transition(
            "publish",
            gettext_lazy("发布"),
            source=S.REVIEW,
            target=S.PUBLISHED,
            permission="assessment.publish_assessment",
            allowed=nothing_pending,
            confirm=gettext_lazy("发布后考核结果对被考核单位可见，分数不能再修改；确定发布吗？"),
        ),
    ],
)
