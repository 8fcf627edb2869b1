"""Demo risks, one screening campaign and 分析研判 meetings (called from ``build_demo``).

Risk points describe the units' own work only. Idempotent: risks are keyed by (unit,
description), the campaign by (issuing unit, title), meetings by (unit, title); the
campaign's self-checks are filled in only in the run that launches it.
"""

from __future__ import annotations

import datetime

from luoshi.core.dates import local_moment
from luoshi.core.workflow import WorkflowStep
from luoshi.risks import services
from luoshi.risks.models import AnalysisMeeting, Campaign, RiskArea, RiskLevel, RiskPoint, Screening
from luoshi.tasks import services as task_services
from luoshi.tasks.models import TaskAssignment

DAY = datetime.timedelta(days=1)
CAMPAIGN_TITLE = "关于开展意识形态领域风险点排查的通知（年度）"
CHECKLIST = (
    "理论学习中心组学习是否按计划开展、有记录\n"
    "本单位网站、新媒体账号是否落实三审制度\n"
    "讲座、论坛、报告会等是否一会一报\n"
    "宣传栏、电子屏等阵地内容是否及时更新、专人管理\n"
    "舆情应对预案是否健全、责任是否明确"
)

# unit, user, area, level, description, cause, measures, deadline offset, steps, in campaign
RISKS = [
    ("D02", "xcb_clerk", "online", "orange",
     "部分科室新媒体账号发布信息未严格执行三审，存在“先发后审”现象",
     "账号分散在各科室，编辑人员兼职，审核意识不强",
     "账号统一纳入三审流程；每季度开展一次账号巡查；对编辑人员开展培训",
     30, ["control"], True),
    ("D02", "xcb_clerk", "theory_study", "yellow",
     "理论学习中心组学习以领读文件为主，研讨交流不够深入",
     "学习计划未明确研讨主题，发言准备不足",
     "每次学习确定研讨主题和重点发言人，学习成效纳入年终述职",
     60, [], True),
    ("D03", "jyj_clerk", "education", "orange",
     "部分学校校园讲座、报告会邀请校外人员未履行备案审批",
     "学校对一会一报要求理解不到位",
     "印发校园讲座论坛备案管理办法，开学前集中培训，每学期检查备案台账",
     45, ["control"], True),
    ("D03", "jyj_clerk", "positions", "blue",
     "个别学校宣传栏内容长期未更新",
     "缺少专人负责",
     "明确专人管理，每月更新并拍照留存",
     20, ["control", ("resolve", "宣传栏已全部更新，纳入每月巡查")], True),
    ("D0203", "xcb_clerk", "online", "red",
     "区政务新媒体矩阵账号数量多，部分账号长期不更新成为“僵尸号”",
     "开设随意、退出机制缺失",
     "全面清理整合，建立账号开设审批和退出机制",
     15, ["control"], False),
    ("D06", "admin", "press", "orange",
     "融媒体中心转载外部稿件核实把关不严，曾出现配图与内容不符",
     "夜班人手紧张，转载稿件审核环节简化",
     "转载稿件同样执行三审，夜班设值班编委",
     30, ["control", ("long_term", "需长期坚持的日常审核要求，转长期管控")], False),
    ("D05", "admin", "culture", "yellow",
     "群众文艺演出节目内容审核不够细致",
     "节目来源多、审核标准不统一",
     "制定演出节目内容审核清单，演出前集中审核",
     40, [], False),
    ("D07", "cgjd_clerk", "team", "blue",
     "社区宣传员队伍人员变动频繁，业务能力参差不齐",
     "社区工作者流动性大",
     "建立社区宣传员名册，每半年组织一次业务培训",
     90, ["control"], False),
]  # fmt: skip

# unit, user, title, days before today, attendees, situation, conclusions, risk descriptions
MEETINGS = [
    ("D02", "xcb_clerk", "意识形态领域形势分析研判会议", 25,
     "宣传部部长、常务副部长、副部长，网信办主任，各科室负责人",
     "全区意识形态领域总体平稳，网络舆论总体积极健康，新媒体账号管理仍有薄弱环节。",
     "一是对政务新媒体账号开展全面清理；二是各单位落实三审制度；三是下半年开展风险点排查。",
     ["部分科室新媒体账号发布信息未严格执行三审，存在“先发后审”现象",
      "区政务新媒体矩阵账号数量多，部分账号长期不更新成为“僵尸号”"]),
    ("D03", "jyj_clerk", "教育系统意识形态工作分析研判会", 18,
     "局党组书记、局长，分管副局长，各学校党组织书记",
     "教育系统意识形态工作总体向好，校园讲座论坛管理需进一步规范。",
     "严格落实校园讲座论坛一会一报，开学前完成备案培训。",
     ["部分学校校园讲座、报告会邀请校外人员未履行备案审批"]),
]  # fmt: skip


def ensure_risks(*, today, units, logins, added) -> None:
    for key in ("risks", "campaigns", "meetings"):
        added.setdefault(key, 0)
    admin = logins["admin"]
    campaign = Campaign.objects.filter(unit=units["D00"], task__title=CAMPAIGN_TITLE).first()
    launched_now = campaign is None
    if launched_now:
        campaign = _launch_campaign(today, units, admin)
        added["campaigns"] += 1
    screenings = {s.unit_id: s for s in campaign.screenings.select_related("assignment")}
    _register_risks(today, units, logins, added, screenings if launched_now else {})
    if launched_now:
        _complete_screenings(today, units, logins, campaign, screenings)
    _record_meetings(today, units, logins, added)


def _launch_campaign(today, units, admin) -> Campaign:
    class Form:
        cleaned_data = {
            "unit": units["D00"],
            "title": CAMPAIGN_TITLE,
            "requirements": "各单位对照排查清单逐项自查，如实登记风险点及防控措施；"
            "未发现风险点的，须说明排查范围和理由。",
            "deadline": today + 15 * DAY,
            "subtree_root": units["D00"],
            "direct_only": True,
            "checklist": CHECKLIST,
        }

    return services.launch_campaign(form=Form(), user=admin)


def _register_risks(today, units, logins, added, screenings: dict) -> None:
    """The demo's risk points (those of the campaign linked to its self-checks when the
    campaign was launched in this run), each taken through its steps ten days ago."""
    admin = logins["admin"]
    areas = {a.code: a for a in RiskArea.objects.all()}
    levels = {lv.code: lv for lv in RiskLevel.objects.all()}
    existing = {(r.unit_id, r.description) for r in RiskPoint.objects.all()}
    for code, username, area, level, text, cause, measures, due, steps, in_campaign in RISKS:
        unit, user = units[code], logins.get(username) or admin
        if (unit.pk, text) in existing:
            continue
        risk = services.register_risk(
            risk=RiskPoint(
                unit=unit,
                area=areas[area],
                level=levels[level],
                description=text,
                cause=cause,
                measures=measures,
                owner=user if user.unit_id == unit.pk else None,
                deadline=today + due * DAY,
                identified_on=today - 40 * DAY,
                screening=screenings.get(unit.pk) if in_campaign else None,
            ),
            user=user,
        )
        added["risks"] += 1
        for step in steps:
            name, comment = step if isinstance(step, tuple) else (step, "")
            taken = services.take_step(risk=risk, step=name, user=user, comment=comment)
            WorkflowStep.objects.filter(pk=taken.pk).update(at=taken.at - 10 * DAY)


def _complete_screenings(today, units, logins, campaign, screenings: dict) -> None:
    """宣传部 and 教育局 found risks; 城关街道 declares none; the others are pending; the
    教育局's self-check is accepted."""
    for code, username in (("D02", "xcb_clerk"), ("D03", "jyj_clerk"), ("D07", "cgjd_clerk")):
        screening, user = screenings.get(units[code].pk), logins.get(username)
        if screening is not None and user is not None:
            _submit_screening(today, campaign, screening, user, declares_none=code == "D07")
    d03 = screenings.get(units["D03"].pk)
    if d03 is not None and d03.completed_at:
        d03.assignment.refresh_from_db()
        task_services.accept(
            assignment=d03.assignment, user=logins["admin"], comment="排查认真，措施具体。"
        )


def _submit_screening(today, campaign, screening, user, *, declares_none: bool) -> None:
    if declares_none:
        screening.no_risk_declared = True
        screening.no_risk_reason = (
            "街道党工委对照清单逐项检查了理论学习、阵地管理、讲座备案和舆情预案，"
            "未发现需登记的风险点；社区宣传员队伍建设问题已作为日常风险单独登记。"
        )
    services.save_results(
        screening=screening,
        results={item: {"result": "ok", "note": ""} for item in campaign.checklist_items()},
        no_risk_declared=screening.no_risk_declared,
        reason=screening.no_risk_reason,
        summary="已组织班子成员对照清单逐项自查。",
    )
    services.submit_screening(screening=screening, user=user)
    at = local_moment(today - 3 * DAY, datetime.time(10))
    Screening.objects.filter(pk=screening.pk).update(completed_at=at)
    TaskAssignment.objects.filter(pk=screening.assignment_id).update(
        first_submitted_at=at, submitted_at=at
    )
    WorkflowStep.objects.filter(
        workflow="tasks.assignment", object_id=screening.assignment_id
    ).update(at=at)


def _record_meetings(today, units, logins, added) -> None:
    admin = logins["admin"]
    risks = {r.description: r for r in RiskPoint.objects.filter(unit__in=units.values())}
    for code, username, title, days, attendees, situation, conclusions, reviewed in MEETINGS:
        unit, user = units[code], logins.get(username) or admin
        if AnalysisMeeting.objects.filter(unit=unit, title=title).exists():
            continue
        meeting = AnalysisMeeting(
            unit=unit,
            date=today - days * DAY,
            title=title,
            attendees=attendees,
            situation=situation,
            conclusions=conclusions,
        )
        chosen = [risks[text] for text in reviewed if text in risks]
        services.record_meeting(meeting=meeting, risks=chosen, user=user)
        added["meetings"] += 1
