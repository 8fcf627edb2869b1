"""What 考核 plugs into core: role grants and its part of the demo. 单位管理员 computes
and publishes, 督查员 reviews and enters manual scores, 领导 views."""

from luoshi.core import registry
from luoshi.core.defaults import VIEW

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
