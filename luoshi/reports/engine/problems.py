"""What went wrong in the year, as data every kind words in its own way.

A ``Problem`` comes from the records only: a duty item behind its target (a zero there is
「全年未开展…」, never an achievement), a rate below its 100% target, open risk points, open
rectification items. Each kind renders the same problems with its own sentences (a summary
states them, a research report adds their causes, a 专题报告 numbers them).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from luoshi.core import metrics
from luoshi.duty.selectors import BEHIND
from luoshi.reports.engine.facts import Fact, FactBook

# Rates whose target is 100% (the pack's 100% 备案/三审/办结): below it is a problem.
FULL_RATES = {
    "events_filing_rate": ("讲座论坛事前备案", "events_held", "events_filed"),
    "pubs_review_rate": ("信息发布“三审”", "pubs_total", "pubs_reviewed"),
    "incidents_closure_rate": ("网络舆情办结", "incidents_total", "incidents_closed"),
}


@dataclass
class Problem:
    kind: str  # missed | short | rate | risks | rectification
    subject: str  # what it is about: a duty item's name, 「讲座论坛事前备案」…
    facts: list[str] = field(default_factory=list)  # keys of the facts it states
    examples: list[str] = field(default_factory=list)  # records it names (risk, finding…)


# A rate none of whose items was done, by its total: (how the items were done, what they
# were, what none got, how the subject fell short) — 「网络舆情办结不够及时,全年登记的2起均未办结」.
NONE_DONE = {
    "incidents_total": ("登记", "网络舆情", "办结", "不够及时"),
    "events_held": ("举办", "讲座论坛", "事前备案", "执行不到位"),
    "pubs_total": ("发布", "信息", "经“三审”", "执行不到位"),
}


def none_done(problem: Problem, written_total: str) -> str:
    """A rate problem none of whose items was done, said once and plainly
    (「网络舆情办结不够及时,全年登记的2起均未办结」, not 「…尚未落实。2起都还没有完成」)."""
    verb, _what, done, short = NONE_DONE.get(problem.facts[0], ("应办", "", "落实", "没有落实"))
    return f"{problem.subject}{short},全年{verb}的{written_total}均未{done}"


def _duty_problems(book: FactBook) -> list[Problem]:
    found = []
    for row in book.duty_rows():
        if row.status != BEHIND or row.count is None or row.total is not None:
            continue
        if row.count >= row.goal:  # enough in the year, behind in a period: not a shortfall
            continue
        item = row.item
        word = (
            book.measure_word(item.indicator_kind, item.indicator_params)
            if metrics.is_registered(item.indicator_kind)
            else "次"
        )
        key = f"duty:{item.code}"
        book.add(Fact(key, item.name, row.count, word, row.url, row.count))
        goal = f"duty_goal:{item.code}"
        book.add(Fact(goal, f"{item.name}年度目标", int(row.goal), word, row.url))
        kind = "missed" if row.count == 0 else "short"
        found.append(Problem(kind, item.name, [key, goal]))
    return found


def _rate_problems(book: FactBook) -> list[Problem]:
    found = []
    for rate_key, (subject, total_key, count_key) in FULL_RATES.items():
        value = book.value(rate_key)
        if value is not None and value < 100:
            found.append(Problem("rate", subject, [total_key, count_key, rate_key]))
    return found


def gather(book: FactBook) -> list[Problem]:
    found = _duty_problems(book) + _rate_problems(book)
    if book.value("risks_open"):
        examples = [r.description for r in book.open_risks()[:3]]
        found.append(Problem("risks", "风险隐患", ["risks_open"], examples))
    if book.value("rectification_open"):
        examples = [i.finding.description for i in book.open_items()[:3]]
        found.append(Problem("rectification", "督查整改", ["rectification_open"], examples))
    return found
