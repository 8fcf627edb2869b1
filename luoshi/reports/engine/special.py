"""专题报告 to the level above — the model is seed 002: 主送机关 (the parent's full name),
「现将…报告如下:」, items numbered 1、2、… straight through the (一)(二) headings, the problems
numbered and next year's intentions after them, closing 「特此报告。」.

Its sentences are its own (a report to the level above is terser than a summary and quotes
other records), so a unit's 专题报告 is never its 年度工作总结 again.
"""

from __future__ import annotations

from luoshi.reports.engine.problems import Problem, gather, none_done
from luoshi.reports.engine.statform_facts import STUDY_APP_KEYS
from luoshi.reports.engine.writer import NUMERALS, Writer, quote


def _theory(w: Writer) -> list[str]:
    v = w.voice
    items = []
    if w.has("ledger:study_group"):
        # 「全区各级党组织理论学习中心组集中学习」: the collective says 各级 already
        text = w.both("ledger:study_group", own=v.study, whole="理论学习中心组集中学习")
        items.append(
            f"抓好理论学习。把学习贯彻党的创新理论作为首要政治任务,{text}。"
            f"{w.outcome('study_group', nth=1, lead='例如')}"
        )
    if w.has("ledger:outreach_talk"):
        items.append(
            f"提升宣讲实效。面向基层干部群众开展理论宣讲{w.n('ledger:outreach_talk')}。"
            f"{w.outcome('outreach_talk', nth=1, lead='例如')}"
        )
    clauses = w.stated(
        ("ledger:volunteer", "志愿服务"), ("ledger:civic_practice", "新时代文明实践活动")
    )
    if clauses:
        items.append(f"突出文明实践。依托新时代文明实践阵地,开展{'、'.join(clauses)}。")
    return items + _study_app(w)


def _study_app(w: Writer) -> list[str]:
    """学习强国 in a 街道's report, from the accepted values of its statistics forms (the
    figures no activity record knows: luoshi.reports.engine.statform_facts)."""
    if w.book.unit.unit_type.code != "street" or not w.has(STUDY_APP_KEYS[0]):
        return []
    rate = f",占党员总数{w.n(STUDY_APP_KEYS[1])}" if w.has(STUDY_APP_KEYS[1]) else ""
    quarter = w.book.get(STUDY_APP_KEYS[0]).extra.get("quarter", 4)
    when = f"截至{NUMERALS[quarter - 1]}季度末"  # a stock, as of its last accepted quarter
    count = w.n(STUDY_APP_KEYS[0])
    return [f"推广学习平台。{when},全街道下载使用“学习强国”学习平台的党员{count}{rate}。"]


def _responsibility(w: Writer) -> list[str]:
    v = w.voice
    meeting = w.both(
        "ledger:special_meeting",
        own=f"召开{v.meeting}专题研究意识形态工作",
        whole="专题研究意识形态工作",
    )
    done = [
        (f"ledger:{code}", verb)
        for code, verb in [
            ("briefing", "开展意识形态工作情况通报"),
            ("analysis", "开展形势分析研判"),
            ("report_up", "向上级专题汇报"),
        ]
        if w.has(f"ledger:{code}")
    ]
    if not meeting and not done:
        return []
    text = f"{meeting}," if meeting else ""
    if done:
        actor = w.actor_for([key for key, _verb in done])
        if meeting and meeting.startswith(actor):
            actor = ""  # 「区委宣传部召开…2次,全年开展…」: the unit is named once
        text += f"{actor}全年{','.join(f'{verb}{w.n(key)}' for key, verb in done)};"
    return [
        f"强化组织领导。严格落实{v.body}主体责任、书记第一责任人责任、分管领导直接责任和"
        f"班子成员“一岗双责”。{text[:-1]}。"
    ]


def _guidance(w: Writer) -> list[str]:
    items = []
    if w.has("ledger:publicity"):
        actor = w.actor_for(["ledger:publicity"])
        items.append(
            f"提高正面宣传水平。{actor}在各级媒体刊发稿件{w.n('ledger:publicity')}。"
            f"{w.outcome('publicity', nth=1, lead='例如')}"
        )
    clauses = w.stated(
        ("pubs_review_rate", "信息发布三审覆盖率"),
        ("events_filing_rate", "讲座论坛备案率"),
        ("incidents_closed", "办结网络舆情"),
    )
    if clauses:
        items.append(f"加强阵地管控。{','.join(clauses)}。")
    return items


def _risk(w: Writer) -> list[str]:
    if not w.has("screenings"):
        return []
    text = w.with_figures(
        f"定期梳理排查意识形态领域风险点,全年排查{w.n('screenings')}",
        ("risks_open", "目前在控风险点"),
    )
    return [f"防范化解风险。{text}。"]


GROUPS = [
    ("theory", "推动党的创新理论入脑入心", _theory),
    ("responsibility", "推进意识形态工作责任制落实落细", _responsibility),
    ("guidance", "加强阵地管理和舆论引导", _guidance),
    ("risk", "防范化解意识形态领域风险", _risk),
]


def _problem(w: Writer, problem: Problem) -> str:
    if problem.kind == "missed":
        return f"{quote(problem.subject)}没有完成。年度目标为{w.n(problem.facts[1])},全年未开展。"
    if problem.kind == "short":
        done, goal = problem.facts
        return f"{quote(problem.subject)}完成不足。目标{w.n(goal)},实际{w.n(done)}。"
    if problem.kind == "rate" and not w.has(problem.facts[1]):
        return none_done(problem, w.n(problem.facts[0])) + "。"
    if problem.kind == "rate":
        total, count, rate = problem.facts
        return f"{problem.subject}不够全面。{w.n(total)}中落实{w.n(count)},比例为{w.n(rate)}。"
    if problem.kind == "risks":
        return f"风险点尚未全部化解。仍有{w.n('risks_open')}风险点处于管控之中。"
    return f"督查反馈问题尚未全部整改。还有{w.n('rectification_open')}整改事项没有销号。"


def build(w: Writer) -> None:
    year, v = w.book.year, w.voice
    w.open("preamble", "", 0)
    w.say(
        f"根据意识形态工作责任制有关要求,对照{year}年度意识形态工作要点,"
        f"现将{w.who}{year}年意识形态工作情况报告如下:"
    )
    work = w.open("work", "意识形态工作开展情况", 1)
    number = 0
    for key, heading, write in GROUPS:
        group = w.open(f"area.{key}", heading, 2)  # first: the facts go to its section
        items = write(w)
        if not items:
            w.sections.remove(group)
            continue
        for text in items:
            number += 1
            w.say(f"{number}、{text}")
    if number == 0:
        w.current = work
        w.say(f"{year}年,{w.who}在系统中尚无可报告的工作记录。")
    w.open("problems", f"存在的问题和{year + 1}年工作打算", 1)
    found = gather(w.book)
    if found:
        w.say(f"{v.actor}在意识形态工作中虽然做了一些工作,但还存在一些薄弱环节。")
        w.items([_problem(w, p) for p in found], style="、")
    else:
        w.say(f"对照上级要求,{v.actor}在工作创新、基层力量和宣传质量方面还有提升空间。")
    intentions = w.intentions + [
        "加强看齐意识和责任意识,牢牢把握正确的政治方向",
        "强化阵地意识和战斗意识,传播凝聚正能量",
        f"压实{v.body}主体责任,推动意识形态工作责任制落地见效",
    ]
    w.say(
        f"{year + 1}年,{w.who}将持续做好意识形态领域相关工作,坚持做到以下几个方面:"
        + "".join(f"{'一二三四五六七八九十'[i]}是{t}。" for i, t in enumerate(intentions[:10]))
    )
    w.say("特此报告。")
