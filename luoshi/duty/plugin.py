"""What 责任清单 plugs into core: role grants, the default responsibility pack and its
part of the demo."""

from luoshi.core import registry
from luoshi.core.defaults import EDIT, VIEW
from luoshi.duty.services import ensure_default_pack

DUTY_GRANTS = registry.module_grants(
    "责任清单",
    {
        # unit_admin holds every grant it hands out; who signs is decided by position in the flow
        "unit_admin": {
            "duty.dutylist": [*EDIT, "sign"],
            "duty.dutyitem": ["view", "change"],
            "duty.pack": VIEW,
        },
        "leader": {"duty.dutylist": [*VIEW, "sign"], "duty.dutyitem": VIEW, "duty.pack": VIEW},
        "clerk": {"duty.dutylist": VIEW, "duty.dutyitem": ["view", "change"]},
        "reviewer": {"duty.dutylist": VIEW, "duty.dutyitem": VIEW, "duty.pack": VIEW},
        "inspector": {"duty.dutylist": VIEW, "duty.dutyitem": VIEW, "duty.pack": VIEW},
    },
)


def _ensure_default_pack() -> None:
    ensure_default_pack()


registry.defaults_step(_ensure_default_pack)
registry.demo_builder(70, "luoshi.duty.demo.ensure_duty_lists")
