"""What the system logs plug into core: who reads the operation log (within their scope)."""

from luoshi.core import registry

# 单位管理员 and 领导 read the operation log of their units (their data scope); 系统管理员
# holds every permission and reads all of it.
registry.module_grants(
    "audit",
    {
        "unit_admin": {"audit.operationlog": ["view"]},
        "leader": {"audit.operationlog": ["view"]},
    },
)
