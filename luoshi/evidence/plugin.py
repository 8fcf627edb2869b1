"""What 佐证材料 plugs into core (luoshi.core.registry): its files in every backup, and the
evidence file size limit, a parameter of 参数设置."""

from django.utils.translation import gettext_lazy as _

from luoshi.core import registry
from luoshi.core.registry import BackupPart, ParameterSpec, backup_part
from luoshi.evidence import backup

backup_part(
    BackupPart("evidence", "佐证材料", save=backup.save, restore=backup.restore, where=backup.where)
)

registry.parameter(
    ParameterSpec(
        key="evidence_max_bytes",
        label=_("单个佐证文件大小上限"),
        group=_("上传限制"),
        kind="megabytes",
        setting="EVIDENCE_MAX_BYTES",
        minimum=1,
        maximum=2048,
        unit="MB",
        help=_("超过此大小的佐证文件不予上传（反向代理 nginx 的 client_max_body_size 也须够大）。"),
    )
)
