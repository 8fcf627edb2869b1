"""督查通报 — addressed to the inspected units; 督查基本情况, 好的做法 of named units (their
score sheets' 总体评价 and their own records' outcomes), 存在的问题 by unit with counts equal
to the findings (the metric ``rectification_rate`` of each unit for the plan), 整改要求 with
deadlines, and the ranking where scores exist.

The bulletin is about the inspections the unit (or its subtree) ran in the year; a unit that
ran none has no bulletin to write (``NothingToReport``).
"""

from __future__ import annotations

from decimal import Decimal

from luoshi.inspections.selectors import bulletin as plan_bulletin
from luoshi.reports.engine.facts import Fact, FactBook, NothingToReport, number
from luoshi.reports.engine.writer import Writer, full_width, quote

GOOD_SHARE = Decimal(
    "0.85"
)  # a unit scoring at least this share of full marks is named for good practice


def title_and_addressee(book: FactBook) -> tuple[str, str]:
    plans = book.issued_plans()
    if not plans:
        raise NothingToReport(
            full_width(
                f"{book.unit.name}{book.year}年没有组织督查的记录(督查通报依据本单位"
                f"{'及下级单位' if book.subtree else ''}组织的督查生成),无法生成督查通报。"
            )
        )
    title = (
        f"关于{plans[0].title}情况的通报"
        if len(plans) == 1
        else f"关于{book.year}年意识形态工作督查情况的通报"
    )
    units = {}
    for plan in plans:
        for unit in plan.inspected_units.order_by("path"):
            units[unit.pk] = unit.name
    return title, "、".join(units.values())


def _day(date) -> str:
    return f"{date.month}月{date.day}日"


def _basics(w: Writer, plan, data: dict, counts: dict) -> None:
    names = "、".join(u.name for u in plan.inspected_units.order_by("path"))
    text = (
        f"{quote(plan.title)}于{_day(plan.starts_on)}至{_day(plan.ends_on)}进行,"
        f"督查组对{names}进行了实地督查。"
    )
    lines = plan.lines.count()
    if plan.description:
        text += plan.description.rstrip("。") + "。"
    found = w.book.plan_findings_total(plan)
    if found.value:
        key = found.key
        text += (
            f"督查对照{lines}项检查内容逐项打分,共发现问题{w.n(key)}。"
            if lines
            else (f"督查共发现问题{w.n(key)}。")
        )
    w.say(text)


def _good(w: Writer, plan, data: dict, counts: dict) -> None:
    best = [
        r
        for r in data["ranking"]
        if data["max_total"] and r.total_score >= GOOD_SHARE * data["max_total"]
    ] or data["ranking"][:1]
    for result in best:
        unit = result.unit
        text = (
            f"{unit.name}{result.summary.rstrip('。')}。"
            if result.summary
            else f"{unit.name}工作基础扎实。"
        )
        other = FactBook(unit, w.book.year, user=w.book.user, subtree=False, today=w.book.today)
        for code in ("study_group", "civic_practice", "outreach_talk", "special_meeting"):
            rows = other.outcomes(code, limit=1)
            if rows:
                text += f"该单位在{rows[0].title}中,{rows[0].effect}。"
                break
        w.say(text)


def _problems(w: Writer, plan, data: dict, counts: dict) -> None:
    items = [i for group in data["groups"] for i in group["items"]]
    units = list(plan.inspected_units.order_by("path"))
    if data["label"] and any(counts[u.pk].value for u in units):
        # several plans: each plan's problems under a lead line naming it
        w.say(f"{data['label']}发现的问题:")
    for unit in units:
        fact = counts[unit.pk]
        if not fact.value:
            continue
        found = [i.finding.description.rstrip("。") for i in items if i.unit_id == unit.pk]
        listed = (  # one finding is not numbered 「①」
            found[0]
            if len(found) == 1
            else ";".join(f"{'①②③④⑤⑥⑦⑧⑨⑩'[k]}{d}" for k, d in enumerate(found[:10]))
        )
        w.say(f"{unit.name}:发现问题{w.n(fact.key)}。{listed}。")
    _problems_chart(w, plan, data, counts)


def _problems_chart(w: Writer, plan, data: dict, counts: dict) -> None:
    """Problems per inspected unit, as bars (a plan that inspected one unit compares nothing)."""
    units = list(plan.inspected_units.order_by("path"))
    if len(units) < 2 or not any(counts[u.pk].value for u in units):
        return
    w.current.charts.append(
        {
            "title": f"{data['label']}各单位发现问题数",
            "kind": "bar",
            "categories": [u.display_name for u in units],
            "series": [("发现问题", [counts[u.pk].value for u in units])],
        }
    )


def _requirements(w: Writer, plan, data: dict, counts: dict) -> None:
    items = [i for group in data["groups"] for i in group["items"]]
    for unit in plan.inspected_units.order_by("path"):
        mine = [i for i in items if i.unit_id == unit.pk and i.status != "closed"]
        if not mine:
            continue
        w.say(_unit_requirement(unit, mine, w.book.today) + "。")


def _due(deadline) -> str:
    return f"须于{deadline.year}年{_day(deadline)}前完成"


def _unit_requirement(unit, items: list, today) -> str:
    """One unit's open items: one deadline when they share it, else each item with its own
    (never only the latest, which would hide an earlier or overdue one); 「已逾期」 for a
    deadline already past."""
    items = sorted(items, key=lambda i: (i.deadline, i.pk))
    if len({i.deadline for i in items}) == 1:
        asks = [i.finding.requirement.rstrip("。") for i in items if i.finding.requirement]
        text = f"{unit.name}{_due(items[0].deadline)}未销号问题的整改"
        text += "(已逾期)" if items[0].deadline < today else ""
        return text + (":" + ";".join(asks) if asks else "")
    parts = [
        f"{(i.finding.requirement or i.finding.description or '整改').rstrip('。')}"
        f"({_due(i.deadline)}{',已逾期' if i.deadline < today else ''})"
        for i in items
    ]
    return f"{unit.name}未销号问题的整改:" + ";".join(parts)


def _closing(w: Writer, plans: list) -> None:
    """The requirement every inspected unit shares, once (not once per plan)."""
    issuers = list(dict.fromkeys(p.unit.name for p in plans))
    to = f"报{issuers[0]}" if len(issuers) == 1 else "分别报" + "、".join(issuers)
    w.say(
        f"各被督查单位要对照通报的问题逐项建立整改台账,明确责任人和整改时限,整改完成后将整改"
        f"情况和佐证材料{to};逾期未完成整改的,将在年度考核中予以扣分。"
    )


def _ranking(w: Writer, plan, data: dict, counts: dict) -> None:
    ranked = data["ranking"]
    if not ranked:
        return
    parts = []
    for place, result in enumerate(ranked, start=1):
        key = f"plan:{plan.pk}:score:{result.unit_id}"
        w.book.add(
            Fact(
                key,
                f"{result.unit.name}督查得分",
                result.total_score,
                "分",
                result.get_absolute_url(),
                1,
            )
        )
        parts.append(f"第{place}名{result.unit.name}({w.n(key)})")
    w.say(
        f"{data['label']}按督查评分表计分(满分{number(data['max_total'])}分),"
        + "、".join(parts)
        + "。"
    )


def build(w: Writer) -> None:
    plans = w.book.issued_plans()
    w.open("preamble", "", 0)
    issuers = "、".join(dict.fromkeys(p.unit.name for p in plans))
    w.say(
        f"为推动意识形态工作责任制落到实处,及时发现和解决工作中存在的问题,{w.book.year}年"
        f"{issuers}对部分单位开展了意识形态工作督查。现将督查情况通报如下:"
    )
    sections = [
        ("basics", "督查基本情况", _basics),
        ("good", "好的做法", _good),
        ("problems", "存在的问题", _problems),
        ("ranking", "督查得分排名", _ranking),  # before the requirements it motivates
        ("requirements", "整改要求", _requirements),
    ]
    outs = {key: w.open(key, heading, 1) for key, heading, _write in sections}
    for plan in plans:
        data = plan_bulletin(plan, w.book.user, today=w.book.today)
        # several plans: the chart and the ranking say which plan they are of
        data["label"] = quote(plan.title) if len(plans) > 1 else ""
        counts = {u.pk: w.book.plan_findings(plan, u) for u in plan.inspected_units.all()}
        for key, _heading, write in sections:
            w.current = outs[key]
            write(w, plan, data, counts)
    w.current = outs["requirements"]
    _closing(w, plans)
    for out in outs.values():
        w.drop_if_empty(out)
