"""年度工作总结: 一、工作开展情况 (areas as (一)…, 一是/二是 inside), 二、存在的问题,
三、下一步工作计划 — the model is seed 001.

Every clause is written only when its figure is not zero; an area with nothing to state is
left out; a missed target is a problem (``problems.gather``), never an achievement.
"""

from __future__ import annotations

from luoshi.reports.engine.problems import NONE_DONE, Problem, gather
from luoshi.reports.engine.writer import Writer, quote

AREAS = [
    ("responsibility", "压紧压实主体责任,意识形态工作责任制落实有力"),
    ("study", "强化理论武装,理论学习走深走实"),
    ("positions", "加强阵地建设管理,守牢意识形态阵地"),
    ("opinion", "坚持正确舆论导向,舆论引导能力持续提升"),
    ("outreach", "深化宣传宣讲与文明实践,凝聚思想共识"),
    ("team", "加强队伍建设,工作保障有力"),
    ("risk", "防范化解风险隐患,抓好督查整改"),
]

# Activity types the areas write about in their own sentences; any other type of an area
# (one an administrator added) is written with its own wording by ``_more``.
WRITTEN = {
    "responsibility": {"special_meeting", "analysis", "briefing", "report_up", "duty_report"},
    "study": {"study_group", "training", "warning_education"},
    "opinion": {"publicity"},
    "outreach": {"outreach_talk", "civic_practice", "volunteer"},
}


def _responsibility(w: Writer) -> list[str]:
    v = w.voice
    lines = []
    text = w.both(
        "ledger:special_meeting",
        own=f"召开{v.meeting}专题研究意识形态工作",
        whole="共专题研究部署意识形态工作",
        yoy=True,
    )
    if text:
        lines.append(f"专题研究部署到位。{text}。{w.outcome('special_meeting', lead='如')}")
    done = [
        (f"ledger:{code}", verb)
        for code, verb in [
            ("analysis", "开展意识形态领域形势分析研判"),
            ("briefing", "通报意识形态工作情况"),
            ("report_up", "向上级党委专题汇报意识形态工作"),
            ("duty_report", "在班子成员述职中专项报告意识形态工作"),
        ]
        if w.has(f"ledger:{code}")
    ]
    if done:
        actor = w.actor_for([key for key, _verb in done])
        clauses = ",".join(f"{verb}{w.n(key)}" for key, verb in done)
        lines.append(f"工作机制有效运转。{actor}全年{clauses}。")
    if w.has("duty_items") and w.has("duty_done"):
        lines.append(
            f"责任清单逐项落实。年度意识形态工作责任清单明确责任事项{w.n('duty_items')},"
            f"截至目前已完成{w.n('duty_done')}。"
        )
    score = w.book.get("assessment_score")
    if score.url and score.value is not None:
        text = f"考核结果较好。在{score.extra['name']}中得分{w.n('assessment_score')}"
        text += f",在{score.extra['units']}个被考核单位中排第{w.n('assessment_rank')}"
        if w.v("assessment_grade"):
            text += f",等次为{quote(str(w.v('assessment_grade')))}"
        lines.append(text + "。")
    return lines


def _study(w: Writer) -> list[str]:
    v = w.voice
    lines = []
    text = w.both(
        "ledger:study_group", own=f"{v.study}", whole="共开展理论学习中心组学习", yoy=True
    )
    if text:
        if w.has("study_attendance") and not v.subtree:
            text += f",平均出勤率{w.n('study_attendance')}"
        lines.append(
            f"中心组学习示范带动。{text},深入学习习近平新时代中国特色社会主义思想和"
            f"党的二十大及二十届历次全会精神。{w.outcome('study_group', lead='如')}"
        )
    if w.has("ledger:training"):
        text = w.with_figures(
            f"组织意识形态专题培训{w.n('ledger:training', yoy=True)}",
            ("training_participants", "累计参训"),
        )
        lines.append(f"专题培训覆盖骨干。{text}。")
    if w.has("ledger:warning_education"):
        lines.append(
            f"警示教育警钟长鸣。开展警示教育{w.n('ledger:warning_education')},以案为鉴、以案促改。"
        )
    return lines


def _positions(w: Writer) -> list[str]:
    lines = []
    if w.has("channels_total"):
        text = w.with_figures(
            f"纳入台账管理的宣传思想文化阵地{w.n('channels_total')}",
            ("channels_checked", "年内检查"),
        )
        lines.append(f"阵地底数清楚。{text}。")
    if w.has("events_held") and w.has("events_filed"):
        lines.append(
            w.lead("events_filing_rate", 100, "讲座论坛严格备案", "讲座论坛备案管理")
            + f"。全年举办报告会、讲座、论坛{w.n('events_held')},"
            f"事前备案{w.n('events_filed')},备案率{w.n('events_filing_rate')}。"
        )
    if w.has("pubs_total") and w.has("pubs_reviewed"):
        lines.append(
            f"信息发布层层把关。全年发布信息{w.n('pubs_total')},经“三审”发布"
            f"{w.n('pubs_reviewed')},三审覆盖率{w.n('pubs_review_rate')}。"
        )
    return lines


def _opinion(w: Writer) -> list[str]:
    lines = []
    if w.has("ledger:publicity"):
        text = w.with_figures(
            f"围绕中心工作加强对外宣传,全年在各级媒体上稿{w.n('ledger:publicity', yoy=True)}",
            ("publicity_high", "省级以上媒体刊发"),
        )
        lead = w.lead("ledger:publicity", 12, "外宣工作有声有色", "外宣工作稳步推进")
        lines.append(f"{lead}。{text}。{w.outcome('publicity', lead='如')}")
    if w.has("incidents_total"):
        text = w.with_figures(
            f"登记网络舆情{w.n('incidents_total', yoy=True)}",
            ("incidents_closed", "已办结"),
            # the mean is over the incidents handled (处置), which may not be closed (办结) yet
            ("incidents_handled", "已处置"),
            ("incidents_hours", "平均处置用时"),
        )
        # 「及时稳妥」 only when (nearly) all were closed: the unclosed ones are among the problems
        lead = w.lead("incidents_closure_rate", 90, "舆情处置及时稳妥", "舆情应对有序开展")
        lines.append(f"{lead}。健全研判、处置、回应机制,{text}。")
    return lines


def _outreach(w: Writer) -> list[str]:
    lines = []
    if w.has("ledger:outreach_talk"):
        text = w.with_figures(
            f"深入基层开展理论宣讲{w.n('ledger:outreach_talk', yoy=True)}",
            ("talk_audience", "受众"),
        )
        lines.append(f"理论宣讲接地气。{text}。{w.outcome('outreach_talk', lead='如')}")
    clauses = []
    if w.has("ledger:civic_practice"):
        clauses.append(f"开展新时代文明实践活动{w.n('ledger:civic_practice', yoy=True)}")
    if w.has("ledger:volunteer"):
        clauses.append(f"组织志愿服务{w.n('ledger:volunteer')}")
    if clauses:
        # 「常态化」 only for 文明实践 held about monthly; volunteer service alone is just that
        lead = (
            w.lead("ledger:civic_practice", 12, "文明实践常态化", "文明实践有序开展")
            if w.has("ledger:civic_practice")
            else "志愿服务有序开展"
        )
        lines.append(f"{lead}。{','.join(clauses)}。{w.outcome('civic_practice', lead='如')}")
    return lines


def _team(w: Writer) -> list[str]:
    if not (w.has("tasks_total") and w.has("tasks_on_time")):
        return []
    return [
        w.lead("tasks_rate", 90, "信息报送及时规范", "信息报送持续推进")
        + f"。全年承办已到期的交办报送任务{w.n('tasks_total')},"
        f"按时完成{w.n('tasks_on_time')},按时完成率{w.n('tasks_rate')}。"
    ]


def _more(w: Writer, area: str) -> str:
    """「此外,开展网络文明宣传活动2场。」 for the area's other activity types with records."""
    clauses = [
        f"{kind.phrase}{w.n(f'ledger:{kind.code}')}"
        for kind in w.book.activity_types_in(area)
        if kind.code not in WRITTEN.get(area, set()) and w.has(f"ledger:{kind.code}")
    ]
    return f"此外,{','.join(clauses)}。" if clauses else ""


def _risk(w: Writer) -> list[str]:
    lines = []
    if w.has("screenings"):
        text = w.with_figures(
            f"组织风险隐患排查{w.n('screenings')}", ("risks_resolved", "年内识别的风险点已化解")
        )
        lines.append(f"{w.lead('screenings', 2, '风险排查扎实开展', '开展风险隐患排查')}。{text}。")
    if w.has("inspection_plans") and w.has("inspected_units"):
        actor = w.actor_for(["inspection_plans"])
        lines.append(
            w.lead("inspection_plans", 2, "督查检查压茬推进", "开展督查检查")
            + f"。{actor}{'开展' if actor.endswith('组织') else '组织开展'}意识形态工作督查"
            f"{w.n('inspection_plans')},督查单位{w.n('inspected_units')},"
            "逐项打分、反馈问题、督促整改。"
        )
    if w.has("rectification_total") and w.has("rectification_closed"):
        lines.append(
            w.lead("rectification_rate", 90, "督查整改闭环管理", "督查整改持续推进")
            + f"。整改期限在本年的督查反馈整改事项{w.n('rectification_total')},"
            f"已整改销号{w.n('rectification_closed')},整改完成率{w.n('rectification_rate')}。"
        )
    return lines


WRITERS = {
    "responsibility": _responsibility,
    "study": _study,
    "positions": _positions,
    "opinion": _opinion,
    "outreach": _outreach,
    "team": _team,
    "risk": _risk,
}


def _chart(w: Writer) -> None:
    codes = ["study_group", "special_meeting", "outreach_talk", "civic_practice", "publicity"]
    names = ["中心组学习", "专题会议", "理论宣讲", "文明实践", "上稿"]
    pairs = [(n, c) for n, c in zip(names, codes, strict=True) if w.has(f"ledger:{c}")]
    if len(pairs) < 2:
        return
    series = [("本年", [w.v(f"ledger:{c}") for _n, c in pairs])]
    previous = [w.book.get(f"ledger:{c}").previous for _n, c in pairs]
    if all(p is not None for p in previous):
        series.insert(0, ("上年", previous))
    w.current.charts.append(
        {
            "title": "主要工作开展情况",
            "kind": "bar",
            "categories": [n for n, _c in pairs],
            "series": series,
        }
    )


def problem_line(w: Writer, problem: Problem) -> str:
    """The summary's wording of one problem (「全年未开展…」 for a zero against a target)."""
    if problem.kind == "missed":
        return f"个别责任事项没有落实。全年未开展{quote(problem.subject)}所要求的工作,与年度目标({w.n(problem.facts[1])})存在差距。"
    if problem.kind == "short":
        done, goal = problem.facts
        return f"部分工作频次不够。{quote(problem.subject)}全年完成{w.n(done)},未达到年度目标{w.n(goal)}。"
    if problem.kind == "rate" and not w.has(problem.facts[1]):
        verb, what, done, _short = NONE_DONE.get(problem.facts[0], ("应办", "", "落实", ""))
        return f"{problem.subject}没有落实。全年{verb}{what}{w.n(problem.facts[0])},均未{done}。"
    if problem.kind == "rate":
        total, count, rate = problem.facts
        return f"{problem.subject}还有缺口。应办{w.n(total)},已落实{w.n(count)},完成率{w.n(rate)},未达到100%的要求。"
    if problem.kind == "risks":
        named = ";".join(_clip(e) for e in problem.examples)
        return f"风险隐患依然存在。尚有{w.n('risks_open')}风险点在控未化解,主要是{named}。"
    named = ";".join(_clip(e) for e in problem.examples)
    # 「如」 introduces examples among several; one item is named as it is
    such_as = "如" if w.v("rectification_open") > len(problem.examples) else "即"
    return f"督查问题整改仍需加力。尚有{w.n('rectification_open')}整改事项未销号,{such_as}{named}。"


def _missed_line(w: Writer, problems: list[Problem]) -> str:
    """Several items not done at all: one item, 「个别责任事项没有落实」 said once."""
    named = "、".join(f"{quote(p.subject)}(年度目标{w.n(p.facts[1])})" for p in problems)
    return f"个别责任事项没有落实。全年未开展{named}所要求的工作。"


def _short_line(w: Writer, problems: list[Problem]) -> str:
    """Several items short of their targets: one item, 「部分工作频次不够」 said once."""
    parts = [
        f"{quote(p.subject)}全年完成{w.n(p.facts[0])},未达到年度目标{w.n(p.facts[1])}"
        for p in problems
    ]
    return f"部分工作频次不够。{';'.join(parts)}。"


GROUPED = {"missed": _missed_line, "short": _short_line}


def problem_lines(w: Writer, found: list[Problem]) -> list[str]:
    """Each problem's line; several of one grouped kind are one line, where the first was."""
    groups: dict[str, list[Problem]] = {}
    order: list[Problem | str] = []
    for problem in found:
        if problem.kind in GROUPED:
            if problem.kind not in groups:
                order.append(problem.kind)
            groups.setdefault(problem.kind, []).append(problem)
        else:
            order.append(problem)
    lines = []
    for entry in order:
        if isinstance(entry, str):
            grouped = groups[entry]
            lines.append(
                problem_line(w, grouped[0]) if len(grouped) == 1 else GROUPED[entry](w, grouped)
            )
        else:
            lines.append(problem_line(w, entry))
    return lines


def _problems(w: Writer) -> None:
    found = gather(w.book)
    lines = problem_lines(w, found)
    if not lines:
        lines = [
            "理论学习成果转化运用还不够充分,学用结合、以学促干的成效有待进一步显现。",
            "基层意识形态工作力量相对薄弱,工作方法创新不足,精细化水平有待提升。",
        ]
    w.say(f"{w.voice.actor}意识形态工作取得了一定成效,但对照新形势新要求,仍存在一些不足:")
    w.items(lines)


def _plans(w: Writer) -> None:
    lines = []
    if w.has("rectification_open"):
        lines.append(
            f"抓好问题整改清零。对{w.n('rectification_open')}未销号整改事项"
            + ("逐项" if w.v("rectification_open") > 1 else "")
            + "明确责任人和完成时限,整改一项、销号一项。"
        )
    if w.has("risks_open"):
        lines.append(
            f"持续防范化解风险。对{w.n('risks_open')}在控风险点落实防控措施,"
            "定期分析研判,做到早发现、早报告、早处置。"
        )
    lines += [f"{intention}。" for intention in w.intentions]
    lines.append(
        f"压实{w.voice.body}主体责任。严格落实意识形态工作责任制,"
        "把意识形态工作与业务工作同部署、同落实、同检查、同考核。"
    )
    w.say(f"{w.book.year + 1}年,{w.who}将进一步强化意识形态工作责任制,重点抓好以下工作:")
    w.items(lines)


def _clip(text: str, limit: int = 40) -> str:
    text = " ".join((text or "").split()).rstrip("。;；")
    return text if len(text) <= limit else text[:limit] + "……"


def build(w: Writer) -> None:
    year, v = w.book.year, w.voice
    w.open("preamble", "", 0)
    # 「X在上级党委的坚强领导下,团结带领全区各级党组织,认真贯彻…」: the leadership first
    lead = f"{w.who}在上级党委的坚强领导下" + (f",团结带领{v.collective}" if v.subtree else "")
    w.say(
        f"{year}年,{lead},认真贯彻落实中央和省、市关于意识形态工作的"
        f"决策部署,牢牢把握正确的政治方向,扎实做好意识形态工作。现将{year}年意识形态工作"
        "总结如下:"
    )
    work = w.open("work", "工作开展情况", 1)
    for key, heading in AREAS:
        area = w.open(f"area.{key}", heading, 2)  # first: the facts go to the area's section
        w.items(WRITERS[key](w))
        w.say(_more(w, key))
        w.drop_if_empty(area)
    _chart(w)  # after the last area: a chart never pushes the first heading's text away
    if len(w.sections) == 2 and not work.charts:
        w.current = work
        w.say(f"{year}年,{w.who}在系统中尚无可汇总的工作记录。")
    w.open("problems", "存在的问题", 1)
    _problems(w)
    w.open("plans", "下一步工作计划", 1)
    _plans(w)
