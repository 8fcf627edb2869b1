"""What 数据包上报 plugs into core: role grants. 系统管理员 and 单位管理员 export and import
data packages, each within their own scope (export units they see, import under units they
administer)."""

from django.utils.translation import gettext_lazy as _

from luoshi.core import registry
from luoshi.core.registry import ParameterSpec

EXCHANGE_GRANTS = registry.module_grants(
    "数据包上报",
    {"unit_admin": {"exchange.importedobject": ["export_package", "import_package"]}},
)

registry.parameter(
    ParameterSpec(
        key="exchange_max_upload_bytes",
        label=_("数据包大小上限"),
        group=_("上传限制"),
        kind="megabytes",
        setting="EXCHANGE_MAX_UPLOAD_BYTES",
        minimum=1,
        maximum=4096,
        unit="MB",
        help=_("「导入数据包」页面接受的最大文件（nginx 的 client_max_body_size 也须够大）。"),
    )
)

# the row keys of imported packages name the model (rewritten when an app label changes)
registry.stored_label("exchange.ImportedObject", "source_key", kind="key")
