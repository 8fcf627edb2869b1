"""What 考核 plugs into core: role grants and its part of the demo. 单位管理员 computes
and publishes, 督查员 reviews and enters manual scores, 领导 views."""

from django.utils.translation import gettext_lazy as _

from luoshi.assessment.selectors import DEFAULT_GRADES
from luoshi.core import registry
from luoshi.core.defaults import VIEW
from luoshi.core.registry import ParameterSpec

ASSESSMENT_GRANTS = registry.module_grants(
    "考核",
    {
        "unit_admin": {
            "assessment.assessment": ["view", "add", "change", "compute", "publish", "score"],
            "assessment.assessmentscore": ["view", "change"],
        },
        "leader": {"assessment.assessment": VIEW, "assessment.assessmentscore": VIEW},
        "inspector": {
            "assessment.assessment": ["view", "score"],
            "assessment.assessmentscore": ["view", "change"],
        },
    },
)

registry.demo_builder(100, "luoshi.assessment.demo.ensure_assessment")

registry.parameter(
    ParameterSpec(
        key="assessment_grades",
        label=_("考核等次分数线"),
        group=_("考核"),
        kind="grades",
        default=DEFAULT_GRADES,
        help=_(
            "按得分率（占满分的百分比）从高到低划分等次，写作「好≥90；较好≥80；一般≥60；差」。"
            "责任包自带等次时以责任包为准；新建考核时取当时的等次，已建考核不受影响。"
        ),
    )
)
