"""Risk points and screening campaigns as the tests make them."""

import datetime

from django.utils import timezone

from luoshi.risks import services
from luoshi.risks.models import RiskArea, RiskLevel, RiskPoint


def make_risk(unit, area="online", level="red", user=None, **extra):
    return RiskPoint.objects.create(
        unit=unit,
        area=RiskArea.objects.get(code=area),
        level=RiskLevel.objects.get(code=level),
        description=extra.pop("description", "单位公众号转载稿件把关不严"),
        measures="落实三审，专人值守",
        created_by=user,
        **extra,
    )


def launch(user, unit, root, checklist="阵地管理是否落实\n讲座论坛是否备案", deadline=None):
    class Form:
        cleaned_data = {
            "unit": unit,
            "title": "2026年意识形态领域风险点排查",
            "requirements": "各单位对照清单逐项自查。",
            "deadline": deadline or timezone.localdate() + datetime.timedelta(days=10),
            "subtree_root": root,
            "direct_only": False,
            "checklist": checklist,
        }

    return services.launch_campaign(form=Form(), user=user)


def fill_checklist(screening):
    services.save_results(
        screening=screening,
        results={item: {"result": "ok", "note": ""} for item in screening.checklist_items()},
        no_risk_declared=screening.no_risk_declared,
        reason=screening.no_risk_reason,
        summary="",
    )
