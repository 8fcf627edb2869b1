"""Reports a unit can submit unchanged (issue 16), read back from the .docx of the demo district.

For every demo unit type (区委, 部门, 乡镇/街道, 村/社区) × the five kinds × own/subtree ×
简/繁, before and after the year's assessment is published: the kind is generated (or refused
with its Chinese reason when the unit has no records for it), and the .docx says no share over
100%, no rate without a denominator, no zero as an achievement, has its 主送 and 落款, shares no
sentence with another kind of the same unit, and names the bodies the unit type has.
"""

from __future__ import annotations

import io
import json
import re

import docx
import pytest
from django.utils import timezone

from luoshi.accounts.models import User
from luoshi.assessment.models import Assessment, AssessmentStatus
from luoshi.core import metrics
from luoshi.core.indicators import SYSTEM
from luoshi.core.script import convert, to_traditional
from luoshi.ledger.models import LedgerRecord
from luoshi.reports import engine, services
from luoshi.reports.engine.facts import FactBook, as_written, balanced_quotes
from luoshi.reports.engine.research import _rhythm
from luoshi.reports.models import ReportKind
from luoshi.risks.models import RiskPoint, RiskStatus
from luoshi.units.models import Unit
from tests.factories import DEMO_TODAY as TODAY

YEAR = TODAY.year
# unit code → what it stands for among the demo unit types
UNITS = {
    "D00": "区委",
    "D02": "部门（区委宣传部）",
    "D03": "部门（局）",
    "D07": "街道",
    "D08": "乡镇",
    "D0701": "社区",
}
MEASURE = "个|次|场|篇|项|条|起|人次|人|期|家|分|名"
ZERO = re.compile(rf"(?<![\d.])0(?:{MEASURE})")
PERCENT = re.compile(r"(\d+(?:\.\d+)?)%")
SENTENCE_END = re.compile(r"[。！？]")
ITEM_MARK = re.compile(r"^(?:[一二三四五六七八九十]+是|\d+、|[①②③④⑤⑥⑦⑧⑨⑩])")


def _generate(unit, kind, *, subtree):
    try:
        return engine.generate(unit, YEAR, kind, user=SYSTEM, subtree=subtree, today=TODAY)
    except engine.NothingToReport as refusal:
        return refusal


def _paragraphs(data: bytes) -> list[str]:
    return [p.text for p in docx.Document(io.BytesIO(data)).paragraphs]


def _sentences(paragraphs: list[str]) -> set[str]:
    """The body's sentences, without item marks; short boilerplate (「特此报告。」) left out."""
    found = set()
    for paragraph in paragraphs:
        for sentence in SENTENCE_END.split(paragraph):
            sentence = ITEM_MARK.sub("", sentence.strip())
            if len(sentence) >= 14:
                found.add(sentence)
    return found


def _check_numbers(draft, text: str, where: str) -> None:
    for value in PERCENT.findall(text):
        assert float(value) <= 100, (where, value)
    assert not ZERO.search(text), (where, ZERO.search(text).group(0), text)
    assert "—" not in text, where  # a rate without denominator is never written
    for section in draft.content["sections"]:
        for key in section["facts"]:
            fact = draft.facts[key]
            assert fact["value"] is not None, (where, key)
            if fact["unit"] == "%":
                assert fact["records"], (where, key, "a rate from a zero denominator")


def _check_frame(unit, kind, draft, paragraphs: list[str], where: str, script: str) -> None:
    def c(text: str) -> str:
        return convert(text, script)

    assert paragraphs[-1] == c(draft.content["date"]), where
    assert paragraphs[-2] == c(unit.name), where
    parent = Unit.objects.get_parent(unit)
    if kind == ReportKind.SPECIAL_REPORT and parent is not None:
        assert paragraphs[1] == c(f"{parent.name}："), where
        assert "报告如下" in draft.content["sections"][0]["text"], where
        assert paragraphs[-4] == c("特此报告。"), where
    if kind == ReportKind.INSPECTION_BULLETIN:
        assert paragraphs[1].endswith("：") and "、" in paragraphs[1], where


def _check_words(unit, kind: str, text: str, where: str) -> None:
    text = re.sub(r"《[^》]*》", "", text)  # a quoted document's name is not the report's voice
    assert "党委（党组）" not in text and "党委(党组)" not in text, where
    for doubled in ("组织组织", "各级党组织各级", "所属各单位各级"):  # a word said twice
        assert doubled not in text, (where, doubled)
    if not unit.unit_type.study_group:
        assert "中心组" not in text, where  # a 社区 has no theory study group
    if f"其中{unit.name}" in text:  # the unit counted among those below: the words include it
        assert not unit.unit_type.subtree_voice.startswith("所属"), where
    if kind not in (ReportKind.ANNUAL_SUMMARY, ReportKind.SPECIAL_REPORT):
        return  # the kinds that name the unit's bodies
    body = unit.unit_type.party_body
    assert body in text, (where, body)  # 街道党工委, 党组, 区委, 镇党委 … from the type
    if unit.unit_type.study_group and "中心组" in text:
        assert unit.unit_type.study_group in text, where


# A lead phrase that praises (「讲座论坛严格备案」) stands only over figures that bear it out.
CLAIMS = {
    "讲座论坛严格备案": ("events_filing_rate", 100),
    "舆情处置及时稳妥": ("incidents_closure_rate", 90),
    "信息报送及时规范": ("tasks_rate", 90),
    "督查整改闭环管理": ("rectification_rate", 90),
    "文明实践常态化": ("ledger:civic_practice", 12),
    "外宣工作有声有色": ("ledger:publicity", 12),
    "督查检查压茬推进": ("inspection_plans", 2),
    "风险排查扎实开展": ("screenings", 2),
}


def _check_claims(draft, text: str, where: str) -> None:
    for claim, (key, at_least) in CLAIMS.items():
        if claim in text:
            assert (draft.facts[key]["value"] or 0) >= at_least, (where, claim)
    for lead in ("个别责任事项没有落实", "部分工作频次不够"):  # one item each, however many
        assert text.count(lead) <= 1, (where, lead)
    if "采取单位自查、实地检查" in text:  # the way of a screening on record, not of none
        assert draft.facts["screenings"]["value"], where
    if "平均处置用时" in text:  # a mean over the incidents handled, said with how many
        assert "已处置" in text, where


def _reports_of(unit) -> dict:
    """{(kind, subtree): draft or refusal} of one unit."""
    return {
        (kind, subtree): _generate(unit, kind, subtree=subtree)
        for kind in ReportKind.values
        for subtree in (False, True)
    }


def _check_unit(unit, drafts: dict, *, scripts=("simplified", "traditional")) -> None:
    sentences: dict[tuple, set] = {}
    for (kind, subtree), draft in drafts.items():
        where = f"{UNITS[unit.code]} {kind} {'subtree' if subtree else 'own'}"
        if isinstance(draft, engine.NothingToReport):
            assert kind == ReportKind.INSPECTION_BULLETIN, (where, str(draft))
            assert "没有组织督查的记录" in str(draft), where
            continue
        json.dumps(draft.facts)  # a version stores them as JSON (the Decimal 500)
        for script in scripts:
            data = services.render(draft.content, fmt="docx", script=script)
            paragraphs = _paragraphs(data)
            text = "\n".join(paragraphs)
            _check_numbers(draft, text, f"{where} {script}")
            _check_frame(unit, kind, draft, paragraphs, f"{where} {script}", script)
            if script == "simplified":
                _check_words(unit, kind, text, where)
                _check_claims(draft, text, where)
                body = paragraphs[2:-2]
                sentences[(kind, subtree)] = _sentences(body)
            else:
                assert to_traditional("意识形态") in text, where
                for spliced in ("爲", "羣衆", "考覈", "發佈", "「「"):
                    assert spliced not in text, (where, spliced)
    for (kind, subtree), mine in sentences.items():
        for (other, other_subtree), theirs in sentences.items():
            if other != kind and other_subtree == subtree:
                shared = mine & theirs
                assert not shared, (unit.code, kind, other, subtree, sorted(shared)[:3])


@pytest.fixture
def published(demo_district):
    assessment = Assessment.objects.get(year=YEAR)
    Assessment.objects.filter(pk=assessment.pk).update(
        status=AssessmentStatus.PUBLISHED, published_at=timezone.now()
    )
    return assessment


@pytest.mark.parametrize("code", list(UNITS))
def test_every_kind_of_every_unit_type_reads_right(demo_district, code):
    unit = Unit.objects.get(code=code)
    _check_unit(unit, _reports_of(unit))


def test_after_the_assessment_is_published_every_summary_still_generates(published):
    for code in UNITS:
        unit = Unit.objects.get(code=code)
        drafts = {
            (ReportKind.ANNUAL_SUMMARY, subtree): _generate(
                unit, ReportKind.ANNUAL_SUMMARY, subtree=subtree
            )
            for subtree in (False, True)
        }
        _check_unit(unit, drafts, scripts=("simplified",))
    score = engine.generate(
        Unit.objects.get(code="D07"), YEAR, ReportKind.ANNUAL_SUMMARY, user=SYSTEM, today=TODAY
    )
    assert "考核" in "".join(s["text"] for s in score.content["sections"])
    assert isinstance(score.facts["assessment_score"]["value"], int | float)


def test_the_other_kinds_are_not_the_summary_again(demo_district):
    """Beyond sentences: the 对策建议 are not the plan, the 督查通报 names what the inspected
    units did, and its problem count equals the findings (also without the subtree)."""
    unit = Unit.objects.get(code="D02")
    research = _generate(unit, ReportKind.RESEARCH_REPORT, subtree=True)
    annual = _generate(unit, ReportKind.ANNUAL_SUMMARY, subtree=True)
    advice = next(s for s in research.content["sections"] if s["key"] == "advice")["text"]
    plans = next(s for s in annual.content["sections"] if s["key"] == "plans")["text"]
    assert not set(re.split("[。；]", advice)) - {""} & set(re.split("[。；]", plans))
    headings = [s["heading"] for s in research.content["sections"] if s["level"] == 1]
    assert headings == ["调研的背景和方法", "基本情况", "存在的问题", "原因分析", "对策建议"]
    root = Unit.objects.get(code="D00")
    district = _generate(root, ReportKind.RESEARCH_REPORT, subtree=True)
    basics = next(s for s in district.content["sections"] if s["key"] == "basics")
    assert "较多" in basics["text"] and "相对较少" in basics["text"]  # units compared
    assert basics["charts"]

    from luoshi.inspections.models import InspectionPlan, RectificationItem

    inspected = {
        False: "区教育局、城关街道、东山镇",
        True: "区教育局、城关街道、东山镇、区融媒体中心、南湖街道、青石镇",
    }
    for subtree in (False, True):
        bulletin = _generate(root, ReportKind.INSPECTION_BULLETIN, subtree=subtree)
        text = "".join(s["text"] for s in bulletin.content["sections"])
        # own: the 区委's inspection; subtree: the 区委宣传部's as well
        plans = InspectionPlan.objects.filter(unit=root) if not subtree else InspectionPlan.objects
        assert len(plans.all()) == (2 if subtree else 1)
        for plan in plans.all():
            found = RectificationItem.objects.filter(finding__plan=plan).count()
            assert f"共发现问题{found}个" in text
            fact = bulletin.facts[f"plan:{plan.pk}:findings"]  # the metric, with its link
            items = metrics.of_object(
                "rectification_items", user=SYSTEM, params={"plan": plan.pk}, today=TODAY
            )
            assert (fact["value"], fact["url"]) == (items.count, items.url) == (found, items.url)
        found = RectificationItem.objects.filter(finding__plan__in=plans.all()).count()
        problems = next(s for s in bulletin.content["sections"] if s["key"] == "problems")
        stated = sum(int(n) for n in re.findall(r"发现问题(\d+)个", problems["text"]))
        assert stated == found
        good = next(s for s in bulletin.content["sections"] if s["key"] == "good")["text"]
        assert good.startswith("城关街道")  # the best score sheet, named
        assert bulletin.content["addressee"] == inspected[subtree]
        assert "须于" in text and "前完成" in text  # 整改要求 with deadlines
        open_items = RectificationItem.objects.filter(finding__plan__in=plans.all()).exclude(
            status="closed"
        )
        for item in open_items:  # each open item's own deadline, not only a unit's latest
            due = item.deadline
            assert f"须于{due.year}年{due.month}月{due.day}日前完成" in text, (subtree, item.pk)
        assert "第1名城关街道" in text  # ranking from the score sheets
        # several plans: the shared requirement once, charts and rankings named by plan
        assert text.count("各被督查单位要对照通报的问题") == 1
        titles = [c["title"] for s in bulletin.content["sections"] for c in s["charts"]]
        assert len(titles) == len(set(titles)) == len(plans.all())
        assert text.count("按督查评分表计分") == len(plans.all())
    assert "分别报示范区委、区委宣传部" in text


def test_subtree_voice_keeps_the_units_own_acts_apart(demo_district):
    root = Unit.objects.get(code="D00")
    own = _generate(root, ReportKind.ANNUAL_SUMMARY, subtree=False)
    whole = _generate(root, ReportKind.ANNUAL_SUMMARY, subtree=True)
    own_study = next(s for s in own.content["sections"] if s["key"] == "area.study")["text"]
    study = next(s for s in whole.content["sections"] if s["key"] == "area.study")["text"]
    mine = own.facts["ledger:study_group"]["value"]
    assert f"示范区委理论学习中心组集中学习{mine}次" in own_study
    total = whole.facts["ledger:study_group"]["value"]
    assert f"全区各级党组织共开展理论学习中心组学习{total}次" in study
    assert f"其中示范区委理论学习中心组集中学习{mine}次" in study
    # year on year only like with like: the own-unit baseline is not compared to a subtree
    for fact in whole.facts.values():
        if fact["previous_source"] == "baseline":
            assert fact["extra"]["baseline"]["id"]


def test_a_year_without_records_is_refused_and_no_other_year_appears(demo_district):
    unit = Unit.objects.get(code="D02")
    with pytest.raises(engine.NothingToReport, match="没有任何工作记录"):
        engine.generate(unit, YEAR - 2, ReportKind.ANNUAL_SUMMARY, user=SYSTEM, today=TODAY)
    risk = RiskPoint.objects.filter(unit=unit).exclude(status=RiskStatus.RESOLVED).first()
    RiskPoint.objects.filter(pk=risk.pk).update(identified_on=TODAY.replace(year=YEAR + 1))
    draft = _generate(unit, ReportKind.RISK_SCREENING, subtree=False)
    text = "".join(s["text"] for s in draft.content["sections"])
    assert risk.description[:20] not in text  # identified after the year: not this year's


def test_outcomes_are_outcomes(demo_district):
    unit = Unit.objects.get(code="D00")
    draft = _generate(unit, ReportKind.ANNUAL_SUMMARY, subtree=True)
    text = "".join(s["text"] for s in draft.content["sections"])
    assert "主讲：" not in text and "实际参加" not in text  # logistics lines
    assert "““" not in text and "””" not in text
    for quoted in re.findall(r"“([^”]*)”", text):
        assert balanced_quotes(f"“{quoted}”")
    assert text.count("其中") <= text.count("。")  # never 「其中…其中」 in one sentence
    for sentence in text.split("。"):
        assert sentence.count("其中") <= 1, sentence


def _text(draft) -> str:
    return "\n".join(s["text"] for s in draft.content["sections"])


def test_what_a_reviewer_marked_in_the_publicity_departments_reports(demo_district):
    """A lone 「一是」 with no 「二是」, an article's headline run into the sentence, 「及时稳妥」
    for incidents none of which was closed, a 「仅」 that hides the unit's own work, and a
    summary silent on the inspection the unit ran."""
    unit = Unit.objects.get(code="D02")
    annual = _generate(unit, ReportKind.ANNUAL_SUMMARY, subtree=False)
    text = _text(annual)
    for paragraph in text.splitlines():
        if "一是" in paragraph:
            assert "二是" in paragraph, paragraph  # a list of one is no list
    assert "信息报送及时规范。" in text
    assert re.search(r"如《[^》]+》一文，", text), text  # the headline quoted
    assert not re.search(r"。如[^《“。]{0,12}：", text), text
    closed = annual.facts["incidents_closed"]["value"]
    assert ("舆情处置及时稳妥" in text) == bool(closed)  # none closed: not a boast
    if not closed:  # said plainly among the problems, not 「办结还没有落实。应办的…」
        total = annual.facts["incidents_total"]["value"]
        assert f"全年登记网络舆情{total}起，均未办结。" in text
        # the 专题报告 and 调研报告 say it in one plain sentence, not 「…尚未落实。2起都还没有完成。」
        wanted = f"网络舆情办结不够及时，全年登记的{total}起均未办结。"
        for kind, said in (
            (ReportKind.SPECIAL_REPORT, wanted),
            (ReportKind.RESEARCH_REPORT, f"调研发现{wanted}"),  # its own sentence
        ):
            other = _text(_generate(unit, kind, subtree=False))
            assert said in other and "都还没有完成" not in other, (kind, other)
    assert "组织开展意识形态工作督查1次，督查单位3家次，逐项打分" in text  # its 阵地 inspection
    civic = annual.facts.get("ledger:civic_practice", {}).get("value")
    assert ("文明实践常态化" in text) == bool(civic)  # not 「常态化」 with none held
    research = _generate(unit, ReportKind.RESEARCH_REPORT, subtree=True)
    basics = next(s for s in research.content["sections"] if s["key"] == "basics")["text"]
    assert "看，仅" not in basics, basics  # 「仅」 among the subordinates, not the unit's own
    for line in basics.splitlines():
        if "所属单位中仅" in line:
            assert "全年没有此类记录" in line, line  # and who did none
    screening = _generate(unit, ReportKind.RISK_SCREENING, subtree=True)
    (chart,) = [c for s in screening.content["sections"] for c in s["charts"]]
    assert "(" not in chart["title"]  # full-width marks, as in the body
    for name, values in chart["series"]:
        assert sum(values), name  # no legend entry for a level without a risk point
    assert len(chart["colors"]) == len(chart["series"])
    # each bar is a fact of the metric risks_open by area × level, with its own link
    cells = [
        f
        for k, f in screening.facts.items()
        if k.startswith("risks_open_") and "方面" in f["label"]
    ]
    assert sorted(f["value"] for f in cells if f["value"]) == sorted(
        v for _name, values in chart["series"] for v in values if v
    )
    assert sum(f["value"] for f in cells) == screening.facts["risks_open"]["value"]
    assert all("area=" in f["url"] and "level=" in f["url"] for f in cells)
    assert "三是开展督查1次，实地了解情况" in _text(research)


def test_the_research_report_states_no_idle_unit_it_did_not_find(demo_district):
    """「有的单位全年没有相关记录」 among the problems only when the 基本情况 named one."""
    for code in ("D07", "D00"):
        research = _generate(Unit.objects.get(code=code), ReportKind.RESEARCH_REPORT, subtree=True)
        sections = {s["key"]: s["text"] for s in research.content["sections"]}
        idle_named = "全年没有此类记录" in sections["basics"]
        assert ("全年没有相关记录" in sections["problems"]) == idle_named, (code, sections)
        if "差距明显" in sections["problems"] and not idle_named:
            assert "多的是少的3倍以上" in sections["problems"]


def test_a_documents_name_is_in_book_title_marks():
    from luoshi.reports.engine.writer import document_name

    assert document_name("关于开展意识形态领域风险点排查的通知（年度）") == (
        "《关于开展意识形态领域风险点排查的通知（年度）》"
    )
    assert document_name("《2026年意识形态工作要点》") == "《2026年意识形态工作要点》"
    assert document_name("2026年意识形态领域风险隐患排查") == "“2026年意识形态领域风险隐患排查”"


@pytest.mark.parametrize(
    ("idle", "said"),
    [({0}, "“前松后紧”"), ({0, 1}, "“前松后紧”"), ({3}, "“前紧后松”"), ({1, 3}, "时紧时松")],
)
def test_the_rhythm_named_is_where_the_idle_quarters_are(idle, said):
    assert _rhythm([("理论宣讲", idle)]) == said


def test_a_research_report_with_one_way_of_working_lists_none(demo_district):
    research = _generate(Unit.objects.get(code="D0701"), ReportKind.RESEARCH_REPORT, subtree=False)
    method = next(s for s in research.content["sections"] if s["key"] == "method")["text"]
    assert "一是" not in method or "二是" in method, method


def test_a_rhythm_is_named_only_as_the_idle_quarters_show_it():
    assert _rhythm([("学习", {0})]) == _rhythm([("学习", {0, 1})]) == "“前松后紧”"
    assert _rhythm([("学习", {3})]) == _rhythm([("学习", {2, 3})]) == "“前紧后松”"
    assert _rhythm([("学习", {1})]) == "时紧时松"  # done in the first quarter: not 前松
    assert _rhythm([("学习", {2})]) == "时紧时松"  # done in the last quarter: not 后松


def test_an_example_from_a_subordinate_unit_says_whose_it_is(demo_district):
    root = Unit.objects.get(code="D00")
    book = FactBook(root, YEAR, user=SYSTEM, subtree=True, today=TODAY)
    found = [o for code in ("study_group", "outreach_talk") for o in book.outcomes(code, 5)]
    assert any(o.by for o in found)  # the district's examples come from its units
    doers: dict[str, set] = {}  # the names a title's records are of ("" for the district's)
    for record in LedgerRecord.objects.select_related("unit"):
        name = "" if record.unit_id == root.pk else record.unit.name
        doers.setdefault(as_written(" ".join(record.title.split())), set()).add(name)
    for outcome in found:
        assert outcome.by in doers[outcome.title], outcome


def test_every_figure_of_the_districts_reports_opens_its_page(demo_district, client):
    """数据核对 links each figure to its list: every one opens (never a 500, never a 404)
    for the district's leader, whatever kind of report states it."""
    client.force_login(User.objects.get(username="qw_leader"))
    root = Unit.objects.get(code="D00")
    opened = set()
    for kind in ReportKind.values:
        draft = _generate(root, kind, subtree=True)
        for key, fact in draft.facts.items():
            if fact.get("url") and fact["url"] not in opened:
                assert client.get(fact["url"]).status_code == 200, (kind, key, fact["url"])
                opened.add(fact["url"])
    assert len(opened) > 50
