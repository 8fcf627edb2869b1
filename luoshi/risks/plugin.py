"""What 风险点排查与研判 plugs into core: areas, levels, role grants and its part of the
demo."""

from luoshi.core import registry
from luoshi.core.defaults import EDIT, VIEW

RISK_AREAS = [
    ("theory_study", "理论学习"),
    ("positions", "阵地管理"),
    ("online", "网络宣传"),
    ("press", "新闻出版"),
    ("culture", "文化活动"),
    ("education", "教育培训"),
    ("team", "队伍建设"),
    ("institutions", "制度机制"),
    ("other", "其他"),
]
# code, name, colour (order 1 = most severe)
RISK_LEVELS = [
    ("red", "红", "#dc3545"),
    ("orange", "橙", "#fd7e14"),
    ("yellow", "黄", "#ffc107"),
    ("blue", "蓝", "#0d6efd"),
]

RISK_GRANTS = registry.module_grants(
    "风险排查",
    {
        "unit_admin": {
            "risks.riskpoint": EDIT,
            "risks.campaign": EDIT,
            "risks.screening": EDIT,
            "risks.analysismeeting": EDIT,
            "risks.riskarea": EDIT,
            "risks.risklevel": EDIT,
        },
        "leader": {
            "risks.riskpoint": VIEW,
            "risks.campaign": VIEW,
            "risks.screening": VIEW,
            "risks.analysismeeting": VIEW,
        },
        "clerk": {
            "risks.riskpoint": ["view", "add", "change"],
            "risks.campaign": VIEW,
            "risks.screening": ["view", "add", "change"],
            "risks.analysismeeting": ["view", "add", "change"],
        },
        "reviewer": {
            "risks.riskpoint": VIEW,
            "risks.campaign": VIEW,
            "risks.screening": VIEW,
            "risks.analysismeeting": VIEW,
        },
        "inspector": {
            "risks.riskpoint": VIEW,
            "risks.campaign": VIEW,
            "risks.screening": VIEW,
            "risks.analysismeeting": VIEW,
        },
    },
)

registry.dictionary("risks.RiskArea", ("code", "name"), RISK_AREAS)
registry.dictionary("risks.RiskLevel", ("code", "name", "color"), RISK_LEVELS)
registry.demo_builder(80, "luoshi.risks.demo.ensure_risks")

# 业务指导范围: a unit may direct units outside its subtree along this line.
registry.business_line("risks", "风险排查")
