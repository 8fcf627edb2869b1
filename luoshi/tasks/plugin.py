"""What 任务交办 plugs into core: its part of the demo."""

from luoshi.core import registry

registry.demo_builder(40, "luoshi.tasks.demo.ensure_tasks")
