"""The steps of a risk point: 识别 → 管控中 → 已化解 / 长期管控 (→ 已化解)."""

from django.utils.translation import gettext_lazy as _

from luoshi.core.workflow import Workflow, taken_by
from luoshi.risks.models import RiskPoint
from luoshi.risks.models import RiskStatus as S

PERMISSION = "risks.change_riskpoint"

manager = taken_by(PERMISSION)

RISK_FLOW = Workflow(
    "risks.riskpoint",
    model=RiskPoint,
    frozen=[S.RESOLVED],
    transitions=[
        manager("control", _("落实管控"), S.IDENTIFIED, S.CONTROLLING),
        manager(
            "resolve",
            _("化解销号"),
            [S.CONTROLLING, S.LONG_TERM],
            S.RESOLVED,
            comment_required=True,
            confirm=_("化解销号后风险点关闭，不能再修改或改变状态；确定化解销号吗？"),
        ),
        manager("long_term", _("转长期管控"), S.CONTROLLING, S.LONG_TERM, comment_required=True),
    ],
)
