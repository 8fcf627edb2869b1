"""What 单位 plugs into core: the unit types."""

from luoshi.core import registry
from luoshi.core.defaults import EDIT, VIEW

UNIT_TYPES = [
    ("district_committee", "区委"),
    ("publicity_dept", "宣传部"),
    ("bureau", "局"),
    ("township", "乡镇"),
    ("street", "街道"),
    ("village", "村社区"),
    ("party_branch", "党支部"),
    ("school", "学校"),
    ("hospital", "医院"),
    ("enterprise", "企业"),
    ("other", "其他"),
]

registry.dictionary("units.UnitType", ("code", "name"), UNIT_TYPES)

# 业务指导范围 is the system administrators' configuration (the 系统管理员 role carries every
# grantable permission, these included).
registry.module_grants(
    "业务指导范围", {"admin": {"core.guidance": EDIT, "core.businessline": VIEW}}
)
