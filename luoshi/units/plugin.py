"""What 单位 plugs into core: the unit types, with the words reports use for their bodies."""

from luoshi.core import registry
from luoshi.core.defaults import EDIT, VIEW

# code, name, party body, meeting, theory study group ("" none), voice of a subtree report
UNIT_TYPES = [
    (
        "district_committee",
        "区委",
        "区委",
        "区委常委会会议",
        "理论学习中心组",
        "全区各级党组织",
    ),
    (
        "publicity_dept",
        "宣传部",
        "部领导班子",
        "部务会议",
        "理论学习中心组",
        "部机关各科室和所属单位",
    ),
    ("bureau", "局", "党组", "党组会议", "党组理论学习中心组", "全系统各级党组织"),
    ("township", "乡镇", "镇党委", "镇党委会议", "党委理论学习中心组", "全镇各级党组织"),
    ("street", "街道", "街道党工委", "党工委会议", "党工委理论学习中心组", "全街道各级党组织"),
    ("village", "村社区", "党组织", "党组织委员会会议", "", "本级党组织及所属各党小组"),
    ("party_branch", "党支部", "党支部", "支部委员会会议", "", "党支部及所属各党小组"),
    ("school", "学校", "党委", "党委会议", "党委理论学习中心组", "全校各级党组织"),
    ("hospital", "医院", "党委", "党委会议", "党委理论学习中心组", "全院各级党组织"),
    ("enterprise", "企业", "党委", "党委会议", "党委理论学习中心组", "全企业各级党组织"),
    ("other", "其他", "党组织", "党组织会议", "", "本单位及所属各单位"),
]

registry.dictionary(
    "units.UnitType",
    ("code", "name", "party_body", "meeting_name", "study_group", "subtree_voice"),
    UNIT_TYPES,
)

# 业务指导范围 is the system administrators' configuration (the 系统管理员 role carries every
# grantable permission, these included).
registry.module_grants(
    "业务指导范围", {"admin": {"core.guidance": EDIT, "core.businessline": VIEW}}
)
