"""What 单位 plugs into core: the unit types."""

from luoshi.core import registry

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
