"""What 报告 plugs into core: role grants (往年报告基线 and 报告) and its part of the demo."""

from luoshi.core import registry
from luoshi.core.defaults import EDIT, VIEW

# 往年报告基线 (Baseline): import past reports; leaders read them.
BASELINE_GRANTS = registry.module_grants(
    "往年报告基线",
    {
        "unit_admin": {"reports.baseline": EDIT},
        "clerk": {"reports.baseline": ["view", "add", "change"]},
        "leader": {"reports.baseline": VIEW},
    },
)

# 报告 (Report): 干事 and 单位管理员 generate and edit, 领导 (and 单位管理员) finalize.
REPORT_GRANTS = registry.module_grants(
    "报告",
    {
        "unit_admin": {"reports.report": ["view", "add", "change", "delete", "finalize"]},
        "leader": {"reports.report": ["view", "finalize"]},
        "clerk": {"reports.report": ["view", "add", "change"]},
        "reviewer": {"reports.report": VIEW},
        "inspector": {"reports.report": VIEW},
    },
)

registry.demo_builder(110, "luoshi.reports.demo.ensure_baselines")
registry.demo_builder(120, "luoshi.reports.demo.ensure_reports")
