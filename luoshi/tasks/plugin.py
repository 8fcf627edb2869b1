"""What 任务交办 plugs into core: its part of the demo."""

from luoshi.core import registry
from luoshi.tasks.todos import task_todos

registry.demo_builder(40, "luoshi.tasks.demo.ensure_tasks")

registry.todo_source(task_todos)

# 业务指导范围: a unit may direct units outside its subtree along this line.
registry.business_line("tasks", "任务交办")
