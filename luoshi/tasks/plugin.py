"""What 任务交办 plugs into core: its part of the demo."""

from django.utils.translation import gettext_lazy as _

from luoshi.core import registry
from luoshi.duty.catalog import item_code_choices
from luoshi.tasks.todos import task_todos

registry.demo_builder(40, "luoshi.tasks.demo.ensure_tasks")

registry.todo_source(task_todos)


def _duty_items() -> dict:
    return dict(item_code_choices())


# the operation log names the duty item a task or a plan counts toward, not its code
for _model in ("task", "reportingschedule"):
    registry.code_field(f"tasks.{_model}.duty_item_code", _("关联责任项"), _duty_items)

# 业务指导范围: a unit may direct units outside its subtree along this line.
registry.business_line("tasks", "任务交办")
