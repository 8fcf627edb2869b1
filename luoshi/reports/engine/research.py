"""调研报告 — the model is seed 000 and the 基本情况 of seed 003: 调研的背景和方法 (which units,
by what means), 基本情况 compared across the subordinate units (who is ahead, who is behind,
how many did nothing) from the metric layer's ``table``, or, for a unit alone, across the
quarters of the year; 存在的问题, their 原因分析, and 对策建议 that answer them (not the
summary's plan again).
"""

from __future__ import annotations

from dataclasses import dataclass

from luoshi.reports.engine.facts import Fact
from luoshi.reports.engine.problems import Problem, gather, none_done
from luoshi.reports.engine.writer import Writer, quote

# The activities compared across units: (activity type, what the sentence calls it).
COMPARED = [
    ("study_group", "理论学习中心组学习"),
    ("special_meeting", "专题研究意识形态工作"),
    ("outreach_talk", "理论宣讲"),
    ("civic_practice", "新时代文明实践活动"),
    ("publicity", "对外宣传上稿"),
]


@dataclass
class Spread:
    """One activity across the branches: the facts of each, and who did none."""

    code: str
    label: str
    ranked: list[Fact]  # most first
    idle: list[Fact]  # branches with none

    @property
    def uneven(self) -> bool:
        active = [f.value for f in self.ranked if f.value]
        return bool(self.idle) or (len(active) > 1 and active[0] >= 3 * active[-1])


def _spreads(w: Writer) -> list[Spread]:
    spreads = []
    for code, label in COMPARED:
        if not w.has(f"ledger:{code}"):
            continue
        facts = w.book.branch_counts("ledger_count", {"activity_type": code})
        if len(facts) < 2:
            continue
        ranked = sorted(facts, key=lambda f: -f.value)
        if not ranked[0].value:  # only the unit's own records: nothing to compare
            continue
        spreads.append(Spread(code, label, ranked, [f for f in ranked if not f.value]))
    return spreads


def _method(w: Writer) -> None:
    v, year = w.voice, w.book.year
    scope = "本单位"
    if v.subtree and w.has("subordinate_units"):
        scope = f"本级及所属{w.n('subordinate_units')}单位"
    w.say(
        f"为摸清意识形态工作责任制的落实情况,查找薄弱环节,{year}年,{w.who}以{scope}为对象,"
        "围绕组织领导、理论学习、阵地管理、舆论引导和风险防范开展了专题调研。"
    )
    ways = [f"调阅{year}年工作台账记录{w.n('ledger_all')}"] if w.has("ledger_all") else []
    if w.has("screenings"):
        ways.append(f"汇总风险隐患排查自查情况{w.n('screenings')}")
    if w.has("inspection_plans"):
        ways.append(f"开展督查{w.n('inspection_plans')},实地了解情况")
    if w.has("tasks_total"):
        ways.append(f"比对已到期的交办报送任务{w.n('tasks_total')}的办理情况")
    if len(ways) == 1:
        w.say(f"调研主要通过{ways[0]}了解情况。")
    elif ways:
        w.say(
            "调研主要采取以下方式:"
            + "".join(f"{'一二三四'[i]}是{t};" for i, t in enumerate(ways))[:-1]
            + "。"
        )


def _compare_branches(w: Writer, spreads: list[Spread]) -> None:
    for spread in spreads:
        active = [f for f in spread.ranked if f.value]
        top = active[:2]
        named = "、".join(f"{f.extra['unit']}({w.n(f.key)})" for f in top)
        # the comparison is among the subordinate units: 「仅」 never hides the unit's own
        text = f"从{spread.label}看," + (
            f"{named}开展较多" if len(active) > 1 else f"所属单位中仅{named}有相关记录"
        )
        if len(active) > 1 and len({f.value for f in active}) == 1:  # nothing to rank
            names = "、".join(f.extra["unit"] for f in active)
            text = f"从{spread.label}看,{names}各{w.n(active[0].key)}"
        elif len(active) > 2:
            tail = active[-1]
            text += f",{tail.extra['unit']}相对较少({w.n(tail.key)})"
        if spread.idle:
            names = "、".join(f.extra["unit"] for f in spread.idle)
            text += f";{names}全年没有此类记录"
        w.say(text + "。")
    main = max(spreads, key=lambda s: sum(1 for f in s.ranked if f.value))
    if sum(1 for f in main.ranked if f.value) < 2:
        return  # one bar compares nothing
    w.current.charts.append(
        {
            "title": f"所属单位{main.label}情况",
            "kind": "bar",
            "categories": [f.extra["unit"] for f in main.ranked],
            "series": [(main.label, [f.value for f in main.ranked])],
        }
    )


def _compare_quarters(w: Writer) -> list[tuple[str, set[int]]]:
    """For a unit alone: how the year's work spread over the quarters; returns the activities
    with an idle quarter, each with the idle quarters (0 … 3)."""
    uneven = []
    for code, label in COMPARED:
        if not w.has(f"ledger:{code}"):
            continue
        facts = w.book.quarter_counts("ledger_count", {"activity_type": code})
        parts = [f"{'一二三四'[i]}季度{w.n(f.key)}" for i, f in enumerate(facts) if f.value]
        idle = [f"{'一二三四'[i]}季度" for i, f in enumerate(facts) if not f.value]
        text = f"{label}全年{w.n(f'ledger:{code}')},分布为" + "、".join(parts)
        if idle:
            text += f",{'、'.join(idle)}没有开展"
        # an idle quarter is a gap only in work frequent enough for one a quarter
        if idle and (w.v(f"ledger:{code}") or 0) >= 4:
            uneven.append((label, {i for i, f in enumerate(facts) if not f.value}))
        w.say(text + "。")
    return uneven


CAUSES = {
    "rhythm": "年度工作计划不够细,没有把任务分解到季度和月份,工作推进往往跟着上级部署走,"
    "忙时集中突击、闲时放松要求。",
    "uneven": "部分单位对意识形态工作的极端重要性认识不足,存在“重业务、轻思想”的倾向,"
    "把意识形态工作当作“软任务”,上级部署一项就应付一项。",
    "missed": "责任清单虽已分解,但缺少过程督促,完成情况平时无人盯、年底才对账,"
    "任务落空时难以及时发现。",
    "short": "责任清单虽已分解,但缺少过程督促,完成情况平时无人盯、年底才对账,"
    "任务落空时难以及时发现。",
    "rate": "制度执行存在“宽松软”,备案、审核等程序性要求在个别环节被简化。",
    "risks": "风险研判多停留在梳理清单,对成因分析不深,防控措施针对性不强。",
    "rectification": "整改责任压得不实,个别单位满足于提交整改报告,缺少对整改成效的跟踪验证。",
}
ADVICE = {
    "rhythm": "制定年度意识形态工作计划时按季度排出必办事项,每季度末对照台账自查一次,"
    "空档事项下一季度首月补齐。",
    "uneven": "建立后进单位帮扶机制,由工作基础较好的单位结对指导,"
    "按季度通报各单位工作进度,推动整体均衡提升。",
    "missed": "把责任清单完成情况纳入季度调度,对进度滞后的事项实行提醒、约谈、通报递进督办。",
    "short": "把责任清单完成情况纳入季度调度,对进度滞后的事项实行提醒、约谈、通报递进督办。",
    "rate": "将程序性要求嵌入信息系统流程,未经备案、审核的事项不能进入下一环节。",
    "risks": "对在控风险点实行清单化、动态化管理,每半年开展一次专题研判,逐项评估防控成效。",
    "rectification": "实行整改“对账销号”,由督查组对整改结果现场验收,"
    "验收不合格的重新整改并纳入年度考核扣分。",
}


def _problem(w: Writer, problem: Problem) -> str:
    if problem.kind == "missed":
        return f"{quote(problem.subject)}全年未开展,年度目标{w.n(problem.facts[1])}落空。"
    if problem.kind == "short":
        done, goal = problem.facts
        return f"{quote(problem.subject)}仅完成{w.n(done)},距年度目标{w.n(goal)}尚有差距。"
    if problem.kind == "rate" and not w.has(problem.facts[1]):
        return "调研发现" + none_done(problem, w.n(problem.facts[0])) + "。"
    if problem.kind == "rate":
        total, count, rate = problem.facts
        return f"{problem.subject}未全覆盖,{w.n(total)}中只有{w.n(count)}落实到位({w.n(rate)})。"
    if problem.kind == "risks":
        return f"调研发现{w.n('risks_open')}风险点仍在管控,化解进度偏慢。"
    return f"调研发现督查反馈的{w.n('rectification_open')}整改事项尚未销号,整改闭环不够。"


def _rhythm(quarters: list[tuple[str, set[int]]]) -> str:
    """「前松后紧」 only when the year started idle and every idle quarter is in its first
    half; 「前紧后松」 when it ended idle and every idle quarter is in its second half."""
    idle = set().union(*(gaps for _label, gaps in quarters))
    if 0 in idle and idle <= {0, 1}:
        return "“前松后紧”"
    if 3 in idle and idle <= {2, 3}:
        return "“前紧后松”"
    return "时紧时松"


def _analysis(w: Writer, spreads: list[Spread], quarters: list) -> list[str]:
    """Problems found, and the kinds of cause and advice they call for."""
    kinds = []
    lines = []
    uneven = [s for s in spreads if s.uneven]
    if uneven:
        labels = "、".join(s.label for s in uneven[:3])
        # 「全年没有」 only where a unit did none; else the gap is the ratio that made it uneven
        gap = "有的单位全年没有相关记录" if any(s.idle for s in uneven) else "多的是少的3倍以上"
        lines.append(f"工作开展不平衡。{labels}在所属单位之间差距明显,{gap}。")
        kinds.append("uneven")
    if quarters:
        labels = "、".join(label for label, _idle in quarters[:3])
        lines.append(f"工作节奏不均衡。{labels}存在整季度空档,工作{_rhythm(quarters)}。")
        kinds.append("rhythm")
    for problem in gather(w.book):
        lines.append(_problem(w, problem))
        kinds.append(problem.kind)
    w.items(
        lines
        or ["各项工作推进总体平稳,但工作质量和实际效果的评价手段还不够,成效主要体现在次数上。"]
    )
    return list(dict.fromkeys(kinds)) or ["rhythm"]


def build(w: Writer) -> None:
    v = w.voice
    w.open("preamble", "", 0)
    w.say(
        f"意识形态工作是党的一项极端重要的工作。为掌握{v.actor}{w.book.year}年落实意识形态"
        "工作责任制的真实情况,我们开展了专题调研,现将调研情况报告如下:"
    )
    w.open("method", "调研的背景和方法", 1)
    _method(w)
    w.open("basics", "基本情况", 1)
    spreads = _spreads(w) if v.subtree else []
    quarters: list[tuple[str, set[int]]] = []
    if spreads:
        _compare_branches(w, spreads)
    else:
        quarters = _compare_quarters(w)
    if not w.current.paragraphs:
        w.say(f"{w.book.year}年{w.who}的工作台账中没有可供比较的活动记录。")
    w.open("problems", "存在的问题", 1)
    kinds = _analysis(w, spreads, quarters)
    w.open("causes", "原因分析", 1)
    w.items(list(dict.fromkeys(CAUSES[k] for k in kinds)))
    w.open("advice", "对策建议", 1)
    w.items(list(dict.fromkeys(ADVICE[k] for k in kinds)))
