"""What 统计报表 plugs into core: role grants, the page of a form task's assignment, and
its part of the demo."""

from django.urls import reverse

from luoshi.core import registry
from luoshi.core.defaults import EDIT, VIEW
from luoshi.statforms.models import FormTask

DESIGN = {
    "statforms.statform": EDIT,
    "statforms.formversion": EDIT,
    "statforms.formfield": EDIT,
    "statforms.formrule": EDIT,
    "statforms.formtask": EDIT,
    "statforms.formschedule": EDIT,
}
READ = {
    "statforms.statform": VIEW,
    "statforms.formversion": VIEW,
    "statforms.formtask": VIEW,
    "statforms.submission": VIEW,
    "statforms.figurevalue": VIEW,
}
FILL = {**READ, "statforms.submission": ["view", "change"]}

registry.module_grants(
    "统计报表",
    {
        "unit_admin": {**READ, **DESIGN, "statforms.submission": ["view", "change"]},
        "leader": READ,
        "clerk": FILL,
        "reviewer": READ,
        "inspector": READ,
    },
)


def form_task_page(assignment) -> str | None:
    """A form task's assignment is filled and reviewed on the form's page."""
    if FormTask.objects.filter(task_id=assignment.task_id).exists():
        return reverse("statforms:submission", args=[assignment.pk])
    return None


registry.task_page(form_task_page)
registry.demo_builder(45, "luoshi.statforms.demo.ensure_statforms")
