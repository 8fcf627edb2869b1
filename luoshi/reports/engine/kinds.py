"""The five report kinds as data: title, preamble and a list of top-level sections, each
filled by named *blocks*. One writer, one set of blocks; a kind only chooses and orders them.

A block appends paragraphs (and level-2 subsections, charts) to the section being written;
every number it writes comes from ``Writer.n(key)``, which records the fact on the section.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from luoshi.reports.engine.facts import FactBook, compare, number
from luoshi.reports.engine.statform_facts import study_app
from luoshi.reports.models import ReportKind

NUMERALS = "一二三四五六七八九十"
# Blocks write ASCII , ; : ( ) for readability of the code; documents use full-width marks.
FULL_WIDTH = str.maketrans({",": "，", ";": "；", ":": "：", "(": "（", ")": "）"})


def full_width(text: str) -> str:
    return text.translate(FULL_WIDTH)


@dataclass
class Out:
    key: str
    heading: str
    level: int
    paragraphs: list[str] = field(default_factory=list)
    facts: list[str] = field(default_factory=list)
    charts: list[dict] = field(default_factory=list)


@dataclass
class KindSpec:
    title: str  # format with {who}, {year}
    preamble: str
    sections: list[tuple[str, str, list[str]]]  # (key, heading, [block names])
    addressed_to_parent: bool = False


class Writer:
    def __init__(self, book: FactBook, *, plans_input: str = ""):
        self.book = book
        self.plans_input = plans_input
        self.sections: list[Out] = []
        self.current: Out | None = None
        unit = book.unit
        self.who = unit.name

    def open(self, key: str, heading: str, level: int) -> Out:
        out = Out(key, full_width(heading), level)
        self.sections.append(out)
        self.current = out
        return out

    def n(self, key: str, *, yoy: bool = False) -> str:
        """The number of fact ``key`` as written (「15次」), recorded on the current section."""
        fact = self.book.get(key)
        if key not in self.current.facts:
            self.current.facts.append(key)
        if yoy and fact.previous is not None:
            fact.extra["compared"] = True  # the text states the year-on-year change
        return fact.text + (compare(fact) if yoy else "")

    def v(self, key: str):
        return self.book.value(key)

    def say(self, text: str) -> None:
        self.current.paragraphs.append(full_width(text))

    def outcomes(self, code: str) -> str:
        rows = self.book.outcomes(code)
        if not rows:
            return ""
        joined = ";".join(f"“{title}”{outcome}" for title, outcome in rows)
        return f"其中,{joined}。"


# ---------------------------------------------------------------------------------------------
# Blocks: areas of work (level-2 subsections)

# Activity types the area blocks below write about in their own sentences; any other type of
# an area (one an administrator added) is written with its own wording by more_activities.
WRITTEN = {
    "responsibility": {"special_meeting", "analysis", "briefing", "report_up", "duty_report"},
    "study": {"study_group", "training", "warning_education"},
    "opinion": {"publicity"},
    "outreach": {"outreach_talk", "civic_practice", "volunteer"},
}


def more_activities(w: Writer, area: str) -> None:
    """「此外,开展网络文明宣传活动3次。」 for the area's other activity types with records."""
    clauses = []
    for kind in w.book.activity_types_in(area):
        if kind.code not in WRITTEN.get(area, set()) and w.v(f"ledger:{kind.code}"):
            clauses.append(f"{kind.phrase}{w.n(f'ledger:{kind.code}')}")
    if clauses:
        w.say(f"此外,{','.join(clauses)}。")


def area_responsibility(w: Writer) -> None:
    w.open("area.responsibility", "压紧压实主体责任,意识形态工作责任制落实有力", 2)
    clauses = [f"召开党委(党组)会议专题研究意识形态工作{w.n('ledger:special_meeting', yoy=True)}"]
    for code, verb in [
        ("analysis", "开展意识形态领域形势分析研判"),
        ("briefing", "通报意识形态工作情况"),
        ("report_up", "向上级党委专题汇报意识形态工作"),
        ("duty_report", "在班子成员述职述廉中专项述职意识形态工作"),
    ]:
        if w.v(f"ledger:{code}"):
            clauses.append(f"{verb}{w.n(f'ledger:{code}')}")
    w.say(
        f"{w.who}坚持把意识形态工作作为党的建设的重要内容,与业务工作同部署、同落实、同考核。"
        f"全年共{','.join(clauses)}。{w.outcomes('special_meeting')}"
    )
    if w.v("duty_items"):
        text = (
            f"对照年度意识形态工作责任清单,共明确责任事项{w.n('duty_items')},"
            f"目前已完成{w.n('duty_done')}"
        )
        if w.v("duty_behind"):
            text += f",进度滞后{w.n('duty_behind')}"
        w.say(text + "。")
    score = w.book.get("assessment_score")
    if score.url:
        text = f"在{score.extra['name']}中得分{w.n('assessment_score')}"
        text += f",在{score.extra['units']}个被考核单位中排第{w.n('assessment_rank')}"
        if w.v("assessment_grade"):
            text += f",考核等次为“{w.n('assessment_grade')}”"
        w.say(text + "。")
    more_activities(w, "responsibility")


def area_study(w: Writer) -> None:
    w.open("area.study", "强化理论武装,理论学习走深走实", 2)
    text = f"全年共召开党委理论学习中心组{w.n('ledger:study_group', yoy=True)}"
    if w.v("study_attendance"):
        text += f",平均出勤率{w.n('study_attendance')}"
    w.say(
        text + ",深入学习习近平新时代中国特色社会主义思想和党的二十大及二十届历次全会精神,"
        f"及时跟进学习上级重要会议和文件精神。{w.outcomes('study_group')}"
    )
    text = f"组织开展{'意识形态专题培训'}{w.n('ledger:training', yoy=True)}"
    if w.v("training_participants"):
        text += f",参训{w.n('training_participants')}"
    if w.v("ledger:warning_education"):
        text += f";开展警示教育{w.n('ledger:warning_education')}"
    w.say(text + f"。{w.outcomes('training')}")
    more_activities(w, "study")


def area_positions(w: Writer) -> None:
    w.open("area.positions", "加强阵地建设管理,守牢意识形态阵地", 2)
    w.say(
        f"建立宣传思想文化阵地台账,纳入管理的各类阵地共{w.n('channels_total')},"
        f"全年检查{w.n('channels_checked')},做到底数清、情况明、管得住。"
    )
    if w.v("events_held"):
        w.say(
            f"严格落实报告会、研讨会、讲座、论坛审批备案制度,全年举办{w.n('events_held')},"
            f"事前备案{w.n('events_filed')},备案率{w.n('events_filing_rate')}。"
        )
    if w.v("pubs_total"):
        w.say(
            f"严格执行信息发布“三审制”,全年发布信息{w.n('pubs_total')},"
            f"经三审发布{w.n('pubs_reviewed')},三审覆盖率{w.n('pubs_review_rate')}。"
        )
    more_activities(w, "positions")


def area_opinion(w: Writer) -> None:
    w.open("area.opinion", "坚持正确舆论导向,舆论引导能力持续提升", 2)
    text = f"围绕中心工作加强对外宣传,全年上稿{w.n('ledger:publicity', yoy=True)}"
    if w.v("publicity_high"):
        text += f",其中省级以上媒体{w.n('publicity_high')}"
    w.say(text + f"。{w.outcomes('publicity')}")
    text = f"健全网络舆情研判、处置、回应机制,全年登记网络舆情{w.n('incidents_total', yoy=True)}"
    if w.v("incidents_total"):
        text += f",已办结{w.n('incidents_closed')}"
        if w.v("incidents_hours"):
            text += f",平均处置用时{w.n('incidents_hours')}"
    w.say(text + "。")
    more_activities(w, "opinion")


def area_outreach(w: Writer) -> None:
    w.open("area.outreach", "深化宣传宣讲与文明实践,凝聚思想共识", 2)
    text = f"深入基层开展理论宣讲活动{w.n('ledger:outreach_talk', yoy=True)}"
    if w.v("talk_audience"):
        text += f",受众{w.n('talk_audience')}"
    w.say(text + f"。{w.outcomes('outreach_talk')}")
    text = f"开展新时代文明实践活动{w.n('ledger:civic_practice', yoy=True)}"
    if w.v("ledger:volunteer"):
        text += f",志愿服务活动{w.n('ledger:volunteer')}"
    w.say(text + f"。{w.outcomes('civic_practice')}")
    more_activities(w, "outreach")


def area_team(w: Writer) -> None:
    w.open("area.team", "加强队伍建设,工作保障有力", 2)
    text = "加强意识形态工作队伍建设,落实信息报送和任务交办制度"
    if w.v("tasks_total"):
        text += (
            f",全年承办交办报送任务{w.n('tasks_total')},按时完成{w.n('tasks_on_time')},"
            f"按时完成率{w.n('tasks_rate')}"
        )
    w.say(text + "。")
    more_activities(w, "team")


def area_risk(w: Writer) -> None:
    w.open("area.risk", "防范化解风险隐患,抓好督查整改", 2)
    w.say(
        f"定期开展意识形态领域风险隐患排查,全年完成排查{w.n('screenings')},"
        f"已化解风险点{w.n('risks_resolved')},现有在控风险点{w.n('risks_open')}。"
    )
    if w.v("rectification_total"):
        w.say(
            f"对督查发现的问题建立整改台账,全年整改事项{w.n('rectification_total')},"
            f"已整改销号{w.n('rectification_closed')},整改完成率{w.n('rectification_rate')}。"
        )
    more_activities(w, "risk")


def chart_activities(w: Writer) -> None:
    codes = ["study_group", "special_meeting", "outreach_talk", "civic_practice", "publicity"]
    names = ["中心组学习", "专题会议", "理论宣讲", "文明实践", "上稿"]
    values = [w.v(f"ledger:{code}") for code in codes]
    series = [("本年", values)]
    previous = [w.book.get(f"ledger:{code}").previous for code in codes]
    if all(p is not None for p in previous):
        series.insert(0, ("上年", previous))
    w.current.charts.append(
        {"title": "主要工作开展情况", "kind": "bar", "categories": names, "series": series}
    )


# ---------------------------------------------------------------------------------------------
# Blocks: problems and plans (paragraphs of the current section)


def problems(w: Writer) -> None:
    lines = []
    book = w.book
    if w.v("risks_open"):
        levels = []
        for level in _levels():
            fact = book.risk_level_fact(level)
            if fact.value:
                levels.append(f"{level.name}色{w.n(fact.key)}")
        detail = ";".join(
            f"{risk.unit.name}:{_clip(risk.description)}" for risk in book.open_risks()[:3]
        )
        lines.append(
            f"意识形态领域风险隐患仍然存在。目前尚有{w.n('risks_open')}风险点未化解"
            + (f"({'、'.join(levels)})" if levels else "")
            + (f",主要是{detail}。" if detail else "。")
        )
    if w.v("rectification_open"):
        detail = ";".join(
            f"{item.unit.name}:{_clip(item.finding.description)}" for item in book.open_items()[:3]
        )
        lines.append(
            f"督查发现问题整改还不到位。尚有{w.n('rectification_open')}整改事项未销号"
            + (f",如{detail}。" if detail else "。")
        )
    if w.v("duty_behind"):
        from luoshi.duty.selectors import BEHIND

        names = "、".join(f"“{r.item.name}”" for r in book.duty_rows() if r.status == BEHIND)
        lines.append(f"部分责任事项推进滞后。责任清单中有{w.n('duty_behind')}进度滞后:{names}。")
    if not lines:
        lines.append(
            "对照意识形态工作责任制要求,工作中仍存在一些薄弱环节:理论学习的深度和转化运用"
            "还需加强,基层阵地管理的精细化水平有待提升,舆论引导的针对性和实效性还需增强。"
        )
    for i, line in enumerate(lines):
        w.say(f"{NUMERALS[i]}是{line}" if len(lines) > 1 else line)


def plans(w: Writer) -> None:
    lines = []
    if w.v("rectification_open"):
        lines.append(
            f"抓好督查反馈问题整改。对尚未销号的{w.n('rectification_open')}整改事项逐项明确责任人和"
            "完成时限,整改一项、销号一项,确保按期清零。"
        )
    if w.v("risks_open"):
        lines.append(
            f"持续防范化解意识形态领域风险。对{w.n('risks_open')}在控风险点落实防控措施,"
            "定期开展分析研判,做到早发现、早报告、早处置。"
        )
    for raw in w.plans_input.splitlines():
        if raw.strip():
            lines.append(raw.strip().rstrip("。") + "。")
    lines.append(
        "进一步压实意识形态工作责任制,持续强化理论武装,加强阵地建设管理,"
        "不断提升新闻舆论传播力、引导力、影响力、公信力。"
    )
    for i, line in enumerate(lines):
        w.say(f"{NUMERALS[i % 10]}是{line}")


# ---------------------------------------------------------------------------------------------
# Blocks of the research, risk screening and inspection kinds


def overview(w: Writer) -> None:
    text = f"{w.who}"
    if w.book.subtree:
        text += f"共有下属及本级单位{w.n('units')}"
    if w.v("party_members"):
        text += f"{',' if w.book.subtree else ''}现有党员{w.n('party_members')}"
    w.say(
        text + f"。{w.book.year}年,全年共召开党委理论学习中心组{w.n('ledger:study_group')},"
        f"专题研究意识形态工作{w.n('ledger:special_meeting')},"
        f"开展理论宣讲{w.n('ledger:outreach_talk')},上稿{w.n('ledger:publicity')},"
        f"登记网络舆情{w.n('incidents_total')}。"
    )


def screening_overview(w: Writer) -> None:
    w.say(
        f"全年完成风险隐患排查{w.n('screenings')},通过单位自查、实地检查和分析研判相结合,"
        f"对理论学习、阵地管理、网络宣传等领域逐项排查。开展意识形态领域形势分析研判"
        f"{w.n('ledger:analysis')}。{w.outcomes('analysis')}"
    )


def risk_distribution(w: Writer) -> None:
    book = w.book
    levels = _levels()
    risks = list(book.open_risks())
    if not risks:
        w.say(f"经排查,目前未发现未化解的风险点,在控风险点{w.n('risks_open')}。")
        return
    parts = [f"{level.name}色{w.n(book.risk_level_fact(level).key)}" for level in levels]
    w.say(f"经排查,目前在控风险点{w.n('risks_open')},其中{'、'.join(parts)}。")
    areas: dict[str, list] = {}
    for risk in risks:
        areas.setdefault(risk.area.name, []).append(risk)
    for name, rows in areas.items():
        w.say(f"{name}领域{len(rows)}个:" + ";".join(_clip(r.description) for r in rows[:3]) + "。")
    categories = list(areas)
    series = [
        (
            f"{level.name}色",
            [sum(1 for r in areas[a] if r.level_id == level.pk) for a in categories],
        )
        for level in levels
    ]
    w.current.charts.append(
        {
            "title": "风险点分布(领域×等级)",
            "kind": "bar",
            "categories": categories,
            "series": series,
        }
    )


def risk_measures(w: Writer) -> None:
    risks = list(w.book.open_risks()[:5])
    for risk in risks:
        w.say(f"针对{risk.unit.name}“{_clip(risk.description)}”:{_clip(risk.measures, 80)}。")
    w.say(
        f"全年已化解风险点{w.n('risks_resolved')}。对督查发现的问题同步建立整改台账,"
        f"整改完成率{w.n('rectification_rate')}。"
    )


def inspection_overview(w: Writer) -> None:
    plans = list(w.book.plans())
    titles = "、".join(f"“{p.title}”" for p in plans[:3])
    w.say(
        f"{w.book.year}年,共组织开展意识形态工作督查{w.n('inspection_plans')}"
        + (f"({titles})" if titles else "")
        + f",覆盖被督查单位{w.n('inspected_units')},"
        f"发现问题{w.n('rectification_total')},已整改销号{w.n('rectification_closed')},"
        f"整改完成率{w.n('rectification_rate')}。"
    )


def findings_by_unit(w: Writer) -> None:
    from luoshi.reports.engine.facts import Fact, _url

    book = w.book
    by_unit: dict = {}
    for item in book.items_in_year().order_by("unit__path", "id"):
        by_unit.setdefault(item.unit, []).append(item)
    if not by_unit:
        w.say("本次督查未发现需要整改的问题。")
        return
    for unit, items in by_unit.items():
        key = f"findings_unit_{unit.pk}"
        url = _url(
            "inspections:items",
            {
                "unit": unit.pk,
                "unit_scope": "own",
                "deadline_from": book.start.isoformat(),
                "deadline_to": book.end.isoformat(),
            },
        )
        book.add(Fact(key, f"{unit.name}发现问题", len(items), "个", url, len(items)))
        detail = ";".join(_clip(i.finding.description) for i in items[:4])
        w.say(f"{unit.name}:发现问题{w.n(key)}。{detail}。")
    w.current.charts.append(
        {
            "title": "各单位发现问题数",
            "kind": "bar",
            "categories": [u.short_name or u.name for u in by_unit],
            "series": [("问题数", [len(v) for v in by_unit.values()])],
        }
    )


def requirements(w: Writer) -> None:
    if w.v("rectification_open"):
        w.say(
            f"各单位要对照督查反馈的问题逐项整改,目前尚有{w.n('rectification_open')}整改事项"
            "未销号,须在整改期限内完成整改并报送整改情况,逾期未完成的予以通报。"
        )
    requirements = [
        _clip(i.finding.requirement, 80) for i in w.book.open_items()[:5] if i.finding.requirement
    ]
    for text in requirements:
        w.say(text.rstrip("。") + "。")
    plans(w)


BLOCKS: dict[str, Callable[[Writer], None]] = {
    "area_responsibility": area_responsibility,
    "area_study": area_study,
    "area_positions": area_positions,
    "area_opinion": area_opinion,
    "area_outreach": area_outreach,
    "area_team": area_team,
    "area_risk": area_risk,
    "area_study_app": study_app,
    "chart_activities": chart_activities,
    "problems": problems,
    "plans": plans,
    "overview": overview,
    "screening_overview": screening_overview,
    "risk_distribution": risk_distribution,
    "risk_measures": risk_measures,
    "inspection_overview": inspection_overview,
    "findings_by_unit": findings_by_unit,
    "requirements": requirements,
}

AREAS = [
    "area_responsibility",
    "area_study",
    "area_positions",
    "area_opinion",
    "area_outreach",
    "area_team",
    "area_risk",
]

KINDS: dict[str, KindSpec] = {
    ReportKind.ANNUAL_SUMMARY: KindSpec(
        title="{who}{year}年意识形态工作总结",
        preamble=(
            "{year}年,{who}认真贯彻落实中央和省、市关于意识形态工作的决策部署,"
            "严格落实意识形态工作责任制,牢牢把握正确的政治方向,扎实做好意识形态工作。"
            "现将{year}年意识形态工作总结如下:"
        ),
        sections=[
            ("work", "工作开展情况", ["chart_activities", *AREAS]),
            ("problems", "存在的问题", ["problems"]),
            ("plans", "下一步工作计划", ["plans"]),
        ],
    ),
    ReportKind.SPECIAL_REPORT: KindSpec(
        title="{who}关于{year}年度落实意识形态工作责任制情况的专题报告",
        preamble=(
            "根据意识形态工作责任制有关要求,对照{year}年度意识形态工作要点,"
            "现将{who}{year}年度落实意识形态工作责任制情况报告如下:"
        ),
        sections=[
            ("work", "意识形态工作责任制落实情况", [*AREAS, "area_study_app"]),
            ("problems", "存在的问题", ["problems"]),
            ("plans", "下一步工作计划", ["plans"]),
        ],
        addressed_to_parent=True,
    ),
    ReportKind.RESEARCH_REPORT: KindSpec(
        title="关于{who}意识形态工作情况的调研报告",
        preamble=(
            "为全面掌握意识形态工作责任制落实情况,推动各项工作落细落实,"
            "围绕{who}{year}年意识形态工作开展了专题调研。现将调研情况报告如下:"
        ),
        sections=[
            ("basics", "基本情况", ["overview"]),
            ("work", "主要做法", AREAS),
            ("problems", "存在问题", ["problems"]),
            ("plans", "对策建议", ["plans"]),
        ],
    ),
    ReportKind.RISK_SCREENING: KindSpec(
        title="{who}{year}年意识形态领域风险隐患排查报告",
        preamble=(
            "根据意识形态领域风险隐患排查工作部署,{who}对{year}年意识形态领域风险隐患"
            "开展了全面排查。现将排查情况报告如下:"
        ),
        sections=[
            ("screening", "排查情况", ["screening_overview"]),
            ("distribution", "风险点分布", ["risk_distribution"]),
            ("measures", "整改管控措施", ["risk_measures"]),
            ("plans", "下一步工作", ["plans"]),
        ],
    ),
    ReportKind.INSPECTION_BULLETIN: KindSpec(
        title="关于{year}年意识形态工作督查情况的通报",
        preamble=(
            "为推动意识形态工作责任制落到实处,{year}年{who}组织开展了意识形态工作督查。"
            "现将督查情况通报如下:"
        ),
        sections=[
            ("basics", "督查基本情况", ["inspection_overview"]),
            ("achievements", "主要成效", ["area_responsibility", "area_study", "area_positions"]),
            ("findings", "发现问题", ["findings_by_unit"]),
            ("requirements", "整改要求", ["requirements"]),
        ],
    ),
}


def _levels():
    from luoshi.risks.models import RiskLevel

    return list(RiskLevel.objects.order_by("order"))


def _clip(text: str, limit: int = 40) -> str:
    text = re.sub(r"[。;；]+$", "", " ".join((text or "").split()))
    return text if len(text) <= limit else text[:limit] + "……"


__all__ = ["KINDS", "BLOCKS", "Writer", "Out", "number"]
