"""The report engine: every number is the count of the records, linked to exactly them."""

import datetime
import re

import pytest

from luoshi.core.indicators import SYSTEM
from luoshi.ledger.models import ActivityType, LedgerRecord, OutletLevel
from luoshi.reports.engine import generate, merge, to_document
from luoshi.reports.models import Baseline, ReportKind
from luoshi.risks.models import RiskStatus
from tests.factories import LedgerRecordFactory
from tests.inspections_support import add_item, child_clerk, make_plan
from tests.risks_support import make_risk

YEAR = 2026


def _record(unit, code, day, **extra):
    return LedgerRecordFactory(
        unit=unit,
        activity_type=ActivityType.objects.get(code=code),
        date=datetime.date(*day),
        **extra,
    )


@pytest.fixture
def records(tree):
    for month in (1, 3, 5):
        _record(tree.own, "study_group", (YEAR, month, 10), outcome="形成调研报告3篇")
    for month in (2, 4):
        _record(tree.child, "study_group", (YEAR, month, 12))
    _record(tree.sibling, "study_group", (YEAR, 6, 1))
    _record(tree.own, "study_group", (YEAR - 1, 6, 1))  # last year
    _record(tree.own, "publicity", (YEAR, 7, 1), outlet_name="人民日报", outlet_level="central")
    _record(tree.own, "publicity", (YEAR, 7, 2), outlet_name="省报", outlet_level="province")
    _record(tree.child, "publicity", (YEAR, 7, 3), outlet_name="市报", outlet_level="city")
    return tree


def _section(draft, key):
    return next(s for s in draft.content["sections"] if s["key"] == key)


def _ids_listed(client, url):
    response = client.get(url)
    assert response.status_code == 200
    return {obj.pk for obj in response.context["object_list"]}


def test_annual_summary_counts_the_records_and_links_to_exactly_them(records, users, client):
    draft = generate(records.own, YEAR, ReportKind.ANNUAL_SUMMARY, user=SYSTEM, subtree=False)
    study = _section(draft, "area.study")
    # the unit type's own words: 区委宣传部 has a 理论学习中心组 (its type says so)
    assert "区委宣传部理论学习中心组集中学习3次，较上年增加2次" in study["text"]
    assert "形成调研报告3篇" in study["text"]  # 成效 from the outcome field
    fact = draft.facts["ledger:study_group"]
    assert fact["value"] == 3 and fact["previous"] == 1 and fact["previous_source"] == "records"
    assert "ledger:study_group" in study["facts"]

    client.force_login(users.admin)
    expected = set(
        LedgerRecord.objects.filter(
            unit=records.own, activity_type__code="study_group", date__year=YEAR
        ).values_list("pk", flat=True)
    )
    assert _ids_listed(client, fact["url"]) == expected

    opinion = _section(draft, "area.opinion")
    assert "上稿2篇" in opinion["text"] and "省级以上媒体刊发2篇" in opinion["text"]
    high = draft.facts["publicity_high"]
    listed = _ids_listed(client, high["url"])
    assert listed == set(
        LedgerRecord.objects.filter(
            unit=records.own, outlet_level__in=[OutletLevel.CENTRAL, OutletLevel.PROVINCE]
        ).values_list("pk", flat=True)
    )
    # the skeleton
    headings = [s["heading"] for s in draft.content["sections"] if s["level"] == 1]
    assert headings == ["工作开展情况", "存在的问题", "下一步工作计划"]


def test_subtree_counts_the_units_below_and_not_the_sibling(records, users, client):
    draft = generate(records.own, YEAR, ReportKind.ANNUAL_SUMMARY, user=SYSTEM, subtree=True)
    # the subtree speaks as its collective, the unit's own acts kept apart
    study = _section(draft, "area.study")["text"]
    assert "部机关各科室和所属单位共开展理论学习中心组学习5次" in study
    assert "其中区委宣传部理论学习中心组集中学习3次" in study
    client.force_login(users.admin)
    expected = set(
        LedgerRecord.objects.filter(
            unit__in=[records.own, records.child],
            activity_type__code="study_group",
            date__year=YEAR,
        ).values_list("pk", flat=True)
    )
    assert _ids_listed(client, draft.facts["ledger:study_group"]["url"]) == expected
    assert "上稿3篇" in _section(draft, "area.opinion")["text"]


def test_year_on_year_from_an_imported_baseline(tree):
    for month in (1, 2, 3, 4):
        _record(tree.sibling, "study_group", (YEAR, month, 5))
    Baseline.objects.create(
        unit=tree.sibling,
        year=YEAR - 1,
        kind=ReportKind.ANNUAL_SUMMARY,
        text="……",
        data={
            "metrics": [
                {"activity": "理论宣讲活动", "value": 180, "unit": "次", "approx": False},
                {"activity": "召开党委理论学习中心组", "value": 4, "unit": "次", "approx": False},
            ]
        },
    )
    draft = generate(tree.sibling, YEAR, ReportKind.ANNUAL_SUMMARY, user=SYSTEM)
    assert (
        "区教育局党组理论学习中心组集中学习4次，与上年持平" in _section(draft, "area.study")["text"]
    )
    assert draft.facts["ledger:study_group"]["previous_source"] == "baseline"
    # a zero is not written as an achievement (not even 「0场，较上年减少180场」)
    assert not any(s["key"] == "area.outreach" for s in draft.content["sections"])
    assert "0场" not in "".join(s["text"] for s in draft.content["sections"])
    # a baseline of the unit alone is not compared with a subtree report
    subtree = generate(tree.sibling, YEAR, ReportKind.ANNUAL_SUMMARY, user=SYSTEM, subtree=True)
    assert subtree.facts["ledger:study_group"]["previous"] is None


def test_problems_and_plans_come_from_open_risks_findings_and_user_input(tree, users, client):
    red = make_risk(tree.own, level="red", description="微信公众号未落实三审制度")
    orange = make_risk(tree.child, level="orange", description="宣传栏内容更新不及时")
    make_risk(tree.child, level="blue", status=RiskStatus.RESOLVED)
    make_risk(tree.sibling, level="red")
    setup = make_plan(tree, users)
    item = add_item(setup, users, child_clerk(tree), text="中心组学习记录不全")
    draft = generate(
        tree.own,
        YEAR,
        ReportKind.ANNUAL_SUMMARY,
        user=SYSTEM,
        subtree=True,
        plans_input="筹备全区宣传干部培训班\n",
    )
    problems = _section(draft, "problems")["text"]
    assert "尚有2个风险点在控未化解" in problems
    assert "微信公众号未落实三审制度" in problems
    assert "尚有1项整改事项未销号" in problems and "中心组学习记录不全" in problems
    plans = _section(draft, "plans")["text"]
    assert "筹备全区宣传干部培训班。" in plans
    assert "对1项未销号整改事项" in plans

    # (users.admin would see no items: inspections' "both sides" scope drops Q() | Q(...))
    client.force_login(users.unit_admin)
    assert _ids_listed(client, draft.facts["risks_open"]["url"]) == {red.pk, orange.pk}
    screening = generate(tree.own, YEAR, ReportKind.RISK_SCREENING, user=SYSTEM, subtree=True)
    assert "红色1个、橙色1个" in _section(screening, "judgement")["text"]
    assert _ids_listed(client, screening.facts["risks_open_red"]["url"]) == {red.pk}
    assert _ids_listed(client, draft.facts["rectification_open"]["url"]) == {item.pk}

    alone = generate(tree.child, YEAR, ReportKind.ANNUAL_SUMMARY, user=SYSTEM)
    assert "尚有1个风险点在控未化解" in _section(alone, "problems")["text"]


@pytest.mark.parametrize("kind", ReportKind.values)
def test_every_kind_generates_its_skeleton_and_only_recorded_facts(records, users, kind):
    make_risk(records.own, level="red")
    setup = make_plan(records, users)
    add_item(setup, users, child_clerk(records))
    draft = generate(records.own, YEAR, kind, user=SYSTEM, subtree=True)
    document = to_document(draft.content)
    assert document.title and document.sections and document.preamble
    for section in document.sections:
        assert not re.match(r"^[一二三四五六七八九十]+、", section.heading)  # renderer numbers
    for section in draft.content["sections"]:
        for key in section["facts"]:
            fact = draft.facts[key]
            assert fact["text"] in section["text"], (kind, key)
    if kind == ReportKind.SPECIAL_REPORT:
        assert document.addressee == "示范区委"
    if kind == ReportKind.INSPECTION_BULLETIN:
        assert document.addressee == "新闻科"  # the inspected units
        assert "新闻科：发现问题1个" in _section(draft, "problems")["text"]


def test_regenerate_keeps_edited_sections_unless_confirmed(records):
    first = generate(records.own, YEAR, ReportKind.ANNUAL_SUMMARY, user=SYSTEM)
    content = first.content
    study = _section(first, "area.study")
    study["text"] = "人工改写的理论学习段落。"
    study["edited"] = True
    _record(records.own, "study_group", (YEAR, 8, 8))
    fresh = generate(records.own, YEAR, ReportKind.ANNUAL_SUMMARY, user=SYSTEM)
    merged, kept = merge(content, fresh.content)
    assert kept == ["area.study"]
    section = next(s for s in merged["sections"] if s["key"] == "area.study")
    assert section["text"] == "人工改写的理论学习段落。"
    assert "中心组集中学习4次" in section["generated_text"]
    merged, kept = merge(content, fresh.content, overwrite={"area.study"})
    section = next(s for s in merged["sections"] if s["key"] == "area.study")
    assert kept == [] and "中心组集中学习4次" in section["text"] and not section["edited"]


def test_the_units_traditional_standard_is_stored_with_the_draft(records):
    records.own.traditional_variant = "s2hk"
    records.own.save()
    draft = generate(records.own, YEAR, ReportKind.ANNUAL_SUMMARY, user=SYSTEM)
    assert draft.content["traditional_variant"] == "s2hk"
    assert to_document(draft.content).variant == "s2hk"


def test_record_text_is_quoted_as_a_document_writes_it(tree):
    """A title already in 《》 is not wrapped again in “”, and a large count as entered
    (「阅读量330000」) is written in 万."""
    _record(
        tree.own,
        "outreach_talk",
        (YEAR, 3, 1),
        title="“《党委（党组）意识形态工作责任制实施办法》”宣讲",
        outcome="覆盖干部群众12000人次",
    )
    _record(
        tree.own,
        "publicity",
        (YEAR, 7, 1),
        title="新时代文明实践站里的新风尚",
        outlet_name="人民日报",
        outlet_level="central",
        outcome="阅读量330000，被3家平台转载",
    )
    draft = generate(tree.own, YEAR, ReportKind.ANNUAL_SUMMARY, user=SYSTEM)
    text = "".join(s["text"] for s in draft.content["sections"])
    assert "《党委（党组）意识形态工作责任制实施办法》宣讲" in text
    assert "“《" not in text and "》”" not in text
    assert "覆盖干部群众1.2万人次" in text
    assert "阅读量33万" in text and "330000" not in text


def test_as_written_and_quote_keep_odd_numbers_and_titles():
    from luoshi.reports.engine.facts import as_written
    from luoshi.reports.engine.writer import quote

    assert as_written("阅读量335000，转发12000次") == "阅读量33.5万，转发1.2万次"
    assert as_written("阅读量33500") == "阅读量33500"  # no 公文 short form: as entered
    assert as_written("联系电话13800000000，2026年") == "联系电话13800000000，2026年"
    assert as_written("达10000余人") == "达1万余人"
    assert quote("《中国共产党宣传工作条例》") == "《中国共产党宣传工作条例》"
    assert quote("“十五五”规划纲要") == "“‘十五五’规划纲要”"


def test_screening_with_one_level_does_not_repeat_the_total(records):
    make_risk(records.own, level="blue")
    make_risk(records.own, level="blue", description="宣传栏内容更新不及时")
    draft = generate(records.own, YEAR, ReportKind.RISK_SCREENING, user=SYSTEM)
    judgement = _section(draft, "judgement")["text"]
    assert "目前登记在控风险点2个，均为蓝色。" in judgement
    assert "其中" not in judgement


def test_a_rate_none_of_whose_items_was_done_is_said_plainly():
    from luoshi.reports.engine.problems import Problem, none_done

    problem = Problem(
        "rate", "网络舆情办结", ["incidents_total", "incidents_closed", "incidents_closure_rate"]
    )
    assert none_done(problem, "2起") == "网络舆情办结不够及时,全年登记的2起均未办结"
