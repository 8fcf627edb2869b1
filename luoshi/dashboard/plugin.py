"""What 驾驶舱 plugs into core: who may open the dashboard. What it shows is still limited
by the data scope and by each module's view permission."""

from luoshi.core import registry
from luoshi.core.defaults import VIEW

DASHBOARD_GRANTS = registry.module_grants(
    "驾驶舱",
    {
        "unit_admin": {"dashboard.dashboard": VIEW},
        "leader": {"dashboard.dashboard": VIEW},
        "inspector": {"dashboard.dashboard": VIEW},
    },
)
