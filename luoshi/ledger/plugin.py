"""What 工作台账 plugs into core: the activity types and the home page's summary."""

from luoshi.core import registry
from luoshi.ledger.selectors import ledger_summary

# code, name, needs_outlet, description
ACTIVITY_TYPES = [
    ("special_meeting", "专题会议", False, "党委会/党组会专题研究意识形态工作"),
    ("study_group", "中心组学习", False, "党委(党组)理论学习中心组学习"),
    ("outreach_talk", "理论宣讲", False, "宣讲团、百姓宣讲、专题党课"),
    ("civic_practice", "文明实践", False, "新时代文明实践活动"),
    ("volunteer", "志愿服务", False, ""),
    ("warning_education", "警示教育", False, ""),
    ("training", "培训", False, "意识形态、网络安全、新闻发言人等培训"),
    ("publicity", "上稿/外宣", True, "在各级媒体刊发的稿件，须填媒体名称与级别"),
    ("analysis", "分析研判", False, "意识形态领域形势分析研判会议"),
    ("briefing", "通报", False, "意识形态工作情况通报"),
    ("report_up", "专题汇报", False, "向上级党委专题汇报意识形态工作"),
    ("duty_report", "述职", False, "班子成员述职述廉中涉及意识形态工作"),
]

registry.dictionary(
    "ledger.ActivityType", ("code", "name", "needs_outlet", "description"), ACTIVITY_TYPES
)


def _home_summary(request, year: int) -> dict:
    return {"summary": ledger_summary(request.user, year)}


registry.home_context(_home_summary)
