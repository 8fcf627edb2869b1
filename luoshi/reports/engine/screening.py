"""风险隐患排查报告 — the model is seed 003: 排查的组织 (the campaign: who launched it to which
units, how many self-checked, how many on time), 总体判断 from the levels of the open risk
points, the risk points by area with their level, measures and owners, 下一步措施.

Only risk points identified by the end of the year and still open are listed; the chart is
drawn in each level's own colour with whole-number axes.
"""

from __future__ import annotations

from luoshi.reports.engine.writer import Writer, document_name
from luoshi.risks.models import RiskLevel


def _campaign(w: Writer, campaign) -> str:
    facts = w.book.campaign_facts(campaign)
    deadline = campaign.task.deadline
    text = (
        f"{campaign.unit.name}印发{document_name(campaign.title)},部署{w.n(facts['assigned'].key)}"
        f"单位开展自查,要求于{deadline.month}月{deadline.day}日前完成"
        if w.has(facts["assigned"].key)
        else f"{campaign.unit.name}印发{document_name(campaign.title)}"
    )
    if w.has(facts["done"].key):
        text += f",已完成自查{w.n(facts['done'].key)}"
    if w.has(facts["due"].key):
        text += f",按时完成{w.n(facts['on_time'].key)}"
    elif deadline >= w.book.today:
        text += ",其余单位自查尚未到截止日期" if w.has(facts["done"].key) else ",自查尚未到截止日期"
    return text + "。"


def _organisation(w: Writer) -> bool:
    campaigns = w.book.campaigns()
    for campaign in campaigns:
        w.say(_campaign(w, campaign))
    clauses = w.stated(
        ("screenings", "完成风险隐患排查"),
        ("ledger:analysis", "召开意识形态领域形势分析研判会议"),
    )
    if clauses:
        # 自查、实地检查 only where a screening is on record; else the analysis alone
        way = (
            "采取单位自查、实地检查和分析研判相结合的方式"
            if w.has("screenings")
            else "通过形势分析研判"
        )
        w.say(
            f"{w.actor_for(['screenings', 'ledger:analysis'])}{way},"
            f"{','.join(clauses)},对理论学习、阵地管理、网络宣传等领域逐项过筛。"
        )
    if not campaigns and not clauses:
        w.say(
            f"{w.book.year}年,{w.voice.actor}没有开展风险隐患排查的记录,以下情况依据风险点台账整理。"
        )
    return bool(campaigns or clauses)


def _judgement(w: Writer, levels: list, organised: bool) -> None:
    book = w.book
    if not organised and not w.has("risks_open"):
        w.say(
            f"由于{book.year}年没有开展排查,{w.voice.actor}意识形态领域的风险底数还不清楚,"
            "难以作出总体判断,须尽快组织排查。"
        )
        return
    if not w.has("risks_open"):
        found = (
            "本次排查未发现需要登记管控的风险点"
            if w.has("screenings") or w.book.campaigns()
            else "目前没有登记需要管控的风险点"
        )
        w.say(f"从排查情况看,{w.voice.actor}意识形态领域形势总体平稳,{found}。")
        return
    present = [level for level in levels if book.risk_level_fact(level).value]
    # one level only: 「均为蓝色」, not 「其中蓝色1个」 repeating the total
    breakdown = (
        f"{'为' if book.value('risks_open') == 1 else '均为'}{present[0].name}色"
        if len(present) == 1
        else "其中" + "、".join(f"{lv.name}色{w.n(book.risk_level_fact(lv).key)}" for lv in present)
    )
    severe = levels[0] if levels else None
    text = (
        f"从排查情况看,{w.voice.actor}意识形态领域形势总体可控,"
        f"目前登记在控风险点{w.n('risks_open')},{breakdown}"
    )
    if severe is not None and book.risk_level_fact(severe).value:
        text += f"。{severe.name}色风险点须作为重中之重,实行专人盯办"
    w.say(text + "。")


def _by_area(w: Writer, levels: list) -> None:
    risks = list(w.book.open_risks())
    areas: dict[str, list] = {}
    for risk in risks:
        areas.setdefault(risk.area.name, []).append(risk)
    for name, rows in areas.items():
        w.open(f"area.{name}", f"{name}方面", 2)
        for risk in rows:
            owner = risk.owner.get_full_name() if risk.owner_id else ""
            text = f"{risk.level.name}色({risk.unit.name}):{_clip(risk.description)}。"
            text += f"防控措施:{_clip(risk.measures, 80)}"
            text += f";责任人:{owner}。" if owner else f";责任单位:{risk.unit.name}。"
            w.say(text)
    if areas:  # after the last area: the chart never pushes the listing to the next page
        shown = list({r.area_id: r.area for r in risks}.values())
        # only the levels that have a risk point: a legend entry with no bar says nothing
        levels = [lv for lv in levels if any(r.level_id == lv.pk for r in risks)]
        cells = w.book.risk_cells(shown, levels)
        w.current.charts.append(
            {
                "title": "在控风险点分布（领域×等级）",
                "kind": "bar",
                "categories": [a.name for a in shown],
                "series": [
                    (f"{lv.name}色", [cells[a.pk, lv.pk].value for a in shown]) for lv in levels
                ],
                "colors": [lv.color for lv in levels],
                "integer": True,
            }
        )


def _measures(w: Writer, organised: bool) -> None:
    lines = []
    if not organised:
        lines.append("尽快部署开展一次全面的风险隐患自查,做到领域全覆盖、单位全覆盖。")
    if w.has("risks_open"):
        lines.append(
            "对在控风险点实行“一点一策”,逐项明确防控措施、责任人和化解时限,化解一个、销号一个。"
        )
    if w.has("rectification_open"):
        lines.append(
            f"把督查反馈的{w.n('rectification_open')}未销号整改事项与风险防控一并推进,"
            "防止问题反弹。"
        )
    lines += [f"{intention}。" for intention in w.intentions]
    lines.append("健全常态化排查机制,每半年开展一次分析研判,重要节点和敏感时期加密排查频次。")
    w.items(lines, style="是")


def _clip(text: str, limit: int = 50) -> str:
    text = " ".join((text or "").split()).rstrip("。;；")
    return text if len(text) <= limit else text[:limit] + "……"


def build(w: Writer) -> None:
    levels = list(RiskLevel.objects.order_by("order"))
    preamble = w.open("preamble", "", 0)
    w.open("organisation", "排查的组织", 1)
    organised = _organisation(w)
    w.current = preamble
    w.say(
        f"根据意识形态领域风险隐患排查工作部署,{w.who}对{w.book.year}年意识形态领域风险隐患"
        "开展了排查,深入了解存在的风险点。现将排查情况报告如下:"
        if organised
        else f"根据意识形态领域风险隐患排查工作部署,现将{w.who}{w.book.year}年意识形态领域"
        "风险隐患情况报告如下:"
    )
    w.open("judgement", "总体判断", 1)
    _judgement(w, levels, organised)
    w.open("risks", "风险点情况", 1)
    if w.has("risks_open"):
        w.say("按风险领域和等级梳理,在控风险点情况如下:")
        _by_area(w, levels)
    else:
        w.say("本年度无在控风险点。")
    w.current = w.open("measures", "下一步措施", 1)
    _measures(w, organised)
