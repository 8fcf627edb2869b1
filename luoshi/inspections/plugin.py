"""What 督查整改 plugs into core: role grants, the rectification reminders of the daily
run and its part of the demo."""

from luoshi.core import registry
from luoshi.core.defaults import EDIT, VIEW
from luoshi.inspections.services import send_reminders
from luoshi.inspections.todos import rectification_todos

# 督查员 plans and inspects (the plan's team records results and verifies rectification);
# 单位管理员/录入员 of the inspected unit submit rectification.
INSPECTION_GRANTS = registry.module_grants(
    "督查整改",
    {
        "unit_admin": {
            "inspections.inspectionplan": EDIT,
            "inspections.inspectionresult": VIEW,
            "inspections.finding": VIEW,
            "inspections.rectificationitem": ["view", "change"],
        },
        "leader": {
            "inspections.inspectionplan": VIEW,
            "inspections.inspectionresult": VIEW,
            "inspections.finding": VIEW,
            "inspections.rectificationitem": VIEW,
        },
        "clerk": {
            "inspections.inspectionresult": VIEW,
            "inspections.finding": VIEW,
            "inspections.rectificationitem": ["view", "change"],
        },
        "reviewer": {
            "inspections.inspectionplan": VIEW,
            "inspections.inspectionresult": VIEW,
            "inspections.finding": VIEW,
            "inspections.rectificationitem": VIEW,
        },
        "inspector": {
            "inspections.inspectionplan": EDIT,
            "inspections.inspectionresult": ["view", "change"],
            "inspections.finding": ["view", "add"],
            "inspections.rectificationitem": ["view", "verify"],
        },
    },
)


def _rectification_reminders(today) -> int:
    sent = send_reminders(today)
    return sent.upcoming + sent.overdue


registry.daily_job("rectification_reminders", _rectification_reminders)
registry.demo_builder(90, "luoshi.inspections.demo.ensure_inspections")

registry.todo_source(rectification_todos)

# 业务指导范围: a unit may direct units outside its subtree along this line.
registry.business_line("inspections", "督查整改")
