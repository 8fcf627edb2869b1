"""What 数据包上报 plugs into core: role grants. 系统管理员 and 单位管理员 export and import
data packages, each within their own scope (export units they see, import under units they
administer)."""

from luoshi.core import registry

EXCHANGE_GRANTS = registry.module_grants(
    "数据包上报",
    {"unit_admin": {"exchange.importedobject": ["export_package", "import_package"]}},
)
