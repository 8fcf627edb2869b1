"""考核: computed from the records by the pack's rubric, every score explained; manual scores
with reasons; idempotent recompute; publish freezes; scope; Excel export with the ranking."""

import datetime
import html
from decimal import Decimal
from io import BytesIO

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from openpyxl import load_workbook

from luoshi.assessment import services
from luoshi.assessment.models import Assessment, AssessmentScore
from luoshi.assessment.selectors import ranking
from luoshi.assessment.workflow import ASSESSMENT
from luoshi.core.indicators import is_registered
from luoshi.core.workflow import WorkflowError
from luoshi.duty.models import DutyList
from luoshi.duty.selectors import latest_pack
from luoshi.ledger.models import LedgerRecord
from tests.factories import LedgerRecordFactory, make_user, pdf_upload
from tests.metrics_support import listed

YEAR = 2025


def add_records(unit, code, days):
    from luoshi.ledger.models import ActivityType

    kind = ActivityType.objects.get(code=code)
    for day in days:
        LedgerRecordFactory(unit=unit, activity_type=kind, date=day)


@pytest.fixture
def pack(db):
    return latest_pack()


@pytest.fixture
def records(tree):
    """T1 (own) has some of the year's work recorded; T2 (sibling) has none."""
    add_records(tree.own, "special_meeting", [datetime.date(YEAR, 3, 5)])
    add_records(tree.own, "study_group", [datetime.date(YEAR, m, 10) for m in range(1, 10)])
    add_records(tree.own, "civic_practice", [datetime.date(YEAR, m, 20) for m in range(1, 10)])
    add_records(tree.own, "civic_practice", [datetime.date(YEAR, 2, 21)])  # a 2nd in Feb
    add_records(tree.own, "report_up", [datetime.date(YEAR, 6, 1)])
    add_records(tree.own, "briefing", [datetime.date(YEAR, 4, 1)])  # H1 only
    add_records(tree.child, "study_group", [datetime.date(YEAR, 5, 5)] * 3)  # not T1's own
    add_records(tree.own, "study_group", [datetime.date(YEAR - 1, 12, 30)])  # last year
    return tree


@pytest.fixture
def assessment(records, pack, users):
    return services.create_assessment(
        unit=records.root,
        year=YEAR,
        pack=pack,
        user=users.admin,
        targets=[records.own, records.sibling],
    )


def scores_of(assessment, unit):
    return {s.code: s for s in assessment.scores.filter(unit=unit)}


def snapshot(assessment):
    return sorted(
        AssessmentScore.objects.filter(assessment=assessment).values_list(
            "pk", "unit_id", "code", "auto_score", "manual_score", "reason", "value", "url"
        )
    )


def test_compute_scores_every_item_and_totals(assessment, records, users):
    rows = services.compute(assessment=assessment, user=users.admin)
    items = assessment.pack.items.filter(is_area=False, is_retired=False).count()
    assert rows == 2 * items == assessment.scores.count()
    assessment.refresh_from_db()
    assert assessment.status == "computed"

    own = scores_of(assessment, records.own)
    assert own["special_meeting"].auto_score == Decimal("4.00")  # 1/2 × 8
    assert own["study_group"].auto_score == Decimal("7.00")  # 10 − 3 missing × 1
    assert own["civic_practice"].auto_score == Decimal("6.00")  # 9/12 months × 8
    assert own["report_up"].auto_score == Decimal("5.00")  # all or nothing
    assert own["briefing"].auto_score == Decimal("3.00")  # 1 of 2 halves × 6
    assert own["five_inclusions"].auto_score == Decimal("0.00")  # 5 unticked × 2, max 10
    for code, score in own.items():
        kind = score.duty_item.indicator_kind
        if kind == "checklist" or is_registered(kind):
            assert score.auto_score is not None, code
        else:  # e.g. risk_screening before its module registers it
            assert score.source == "pending", code

    # Every automatic score explains itself: the rule, the value, the records behind it.
    study = own["study_group"]
    assert "扣分制" in study.rule and "每缺 1 次扣 1 分" in study.rule and "≥12" in study.rule
    assert study.value.startswith("9/12") and "缺 3" in study.value
    assert study.url.startswith(reverse("ledger:list")) and f"unit={records.own.pk}" in study.url

    table = {row.unit.pk: row for row in ranking(assessment)}
    for unit in (records.own, records.sibling):
        row = table[unit.pk]
        expected = sum(s.score for s in scores_of(assessment, unit).values() if s.score is not None)
        assert row.total == expected
        assert row.full == sum(s.points for s in scores_of(assessment, unit).values())
    # Only the ledger-fed items differ between the two units: 4 + 7 + 6 + 5 + 3.
    assert table[records.own.pk].total - table[records.sibling.pk].total == Decimal(25)
    assert table[records.own.pk].rank == 1 and table[records.sibling.pk].rank == 2
    assert table[records.own.pk].grade in {"好", "较好", "一般", "差"}


def test_three_indicators_recomputed_independently_from_the_records(assessment, records, users):
    """Count the ledger records with the ORM and apply the pack's rule by hand."""
    services.compute(assessment=assessment, user=users.admin)
    own = scores_of(assessment, records.own)
    items = {i.code: i for i in assessment.pack.items.filter(is_area=False)}

    def count(code, start, end):
        return LedgerRecord.objects.filter(
            unit=records.own, activity_type__code=code, date__gte=start, date__lte=end
        ).count()

    year_start, year_end = datetime.date(YEAR, 1, 1), datetime.date(YEAR, 12, 31)

    # 1. 专题研究 — ratio: points × min(count / target, 1).
    rule = items["special_meeting"].scoring
    done = count("special_meeting", year_start, year_end)
    target = items["special_meeting"].target_value
    expected = Decimal(str(rule["points"])) * min(Decimal(done) / target, 1)
    assert own["special_meeting"].auto_score == expected.quantize(Decimal("0.01"))

    # 2. 中心组学习 — deduction: points − min(missing × per_missing, max).
    rule = items["study_group"].scoring
    done = count("study_group", year_start, year_end)
    missing = max(items["study_group"].target_value - done, 0)
    lost = min(
        missing * Decimal(str(rule["deduct"]["per_missing"])), Decimal(rule["deduct"]["max"])
    )
    assert own["study_group"].auto_score == Decimal(str(rule["points"])) - lost

    # 3. 文明实践 (monthly) — ratio of the months that met the target.
    rule = items["civic_practice"].scoring
    months_met = 0
    for month in range(1, 13):
        start = datetime.date(YEAR, month, 1)
        end = datetime.date(YEAR, month + 1, 1) if month < 12 else datetime.date(YEAR + 1, 1, 1)
        end -= datetime.timedelta(days=1)
        if count("civic_practice", start, end) >= items["civic_practice"].target_value:
            months_met += 1
    expected = Decimal(str(rule["points"])) * months_met / 12
    assert own["civic_practice"].auto_score == expected.quantize(Decimal("0.01"))


def test_manual_score_needs_a_reason(client, assessment, records, users):
    services.compute(assessment=assessment, user=users.admin)
    score = scores_of(assessment, records.own)["five_inclusions"]
    with pytest.raises(WorkflowError, match="须填写评分理由"):
        services.set_manual_score(score=score, value=Decimal(8), reason="  ", user=users.admin)
    client.force_login(users.admin)
    url = reverse("assessment:score", args=[score.pk])
    response = client.post(url, {"manual_score": "8", "reason": ""})
    assert response.status_code == 200 and "须填写评分理由" in response.content.decode()
    score.refresh_from_db()
    assert score.manual_score is None
    response = client.post(url, {"manual_score": "11", "reason": "超过分值"})
    score.refresh_from_db()
    assert score.manual_score is None
    response = client.post(url, {"manual_score": "8", "reason": "五个纳入已落实四项，见党委会纪要"})
    assert response.status_code == 302
    score.refresh_from_db()
    assert score.manual_score == Decimal("8.00") and score.score == Decimal("8.00")
    assert score.scored_by == users.admin
    # 手工评分 n 项 of the unit is the metric's, linking to exactly those scores; so is the
    # export's column
    row = next(r for r in client.get(assessment.get_absolute_url()).context["rows"] if r.manual)
    assert row.unit == records.own and row.manual.count == 1
    assert listed(client, row.manual.url) == 1
    export = load_workbook(
        BytesIO(client.get(f"{assessment.get_absolute_url()}?export=xlsx").content)
    )
    assert [r[6] for r in export["排名"].iter_rows(min_row=2, values_only=True)] == [1, 0]
    sheet = client.get(reverse("assessment:sheet", args=[assessment.pk, records.own.pk]))
    assert "五个纳入已落实四项" in sheet.content.decode()

    # Optional evidence, on the score's page.
    content_type = ContentType.objects.get_for_model(AssessmentScore)
    upload = client.post(
        reverse("evidence:upload", args=[content_type.pk, score.pk]),
        {"files": [pdf_upload("党委会纪要.pdf")]},
    )
    assert upload.status_code == 302
    assert score.evidence.get().original_name == "党委会纪要.pdf"
    assert "党委会纪要.pdf" in client.get(url).content.decode()


def test_recompute_is_idempotent_and_keeps_manual_scores(assessment, records, users):
    services.compute(assessment=assessment, user=users.admin)
    score = scores_of(assessment, records.own)["five_inclusions"]
    services.set_manual_score(
        score=score, value=Decimal(6), reason="已核实会议纪要", user=users.admin
    )
    before = snapshot(assessment)
    assert services.compute(assessment=assessment, user=users.admin) == len(before)
    assert snapshot(assessment) == before
    # New records change only the automatic score of their item.
    add_records(records.own, "special_meeting", [datetime.date(YEAR, 9, 9)])
    services.compute(assessment=assessment, user=users.admin)
    after = scores_of(assessment, records.own)
    assert after["special_meeting"].auto_score == Decimal("8.00")
    assert after["five_inclusions"].manual_score == Decimal("6.00")
    assert after["five_inclusions"].reason == "已核实会议纪要"
    assert assessment.scores.count() == len(before)


def _score_pending(assessment, user):
    for score in assessment.scores.filter(auto_score__isnull=True, excluded=False):
        services.set_manual_score(score=score, value=score.points, reason="督查核实", user=user)


def _publish(assessment, users):
    """计算 (admin), 复核 (督查员), 发布 (单位管理员): three people."""
    _score_pending(assessment, users.inspector)
    services.submit(assessment=assessment, user=users.admin)
    services.review(assessment=assessment, user=users.inspector)
    services.publish(assessment=assessment, user=users.unit_admin)


def test_publish_needs_every_score_and_freezes(client, assessment, records, users):
    services.compute(assessment=assessment, user=users.admin)
    pending = AssessmentScore.objects.filter(
        assessment=assessment, auto_score__isnull=True, excluded=False
    )
    if pending.exists():
        services.submit(assessment=assessment, user=users.admin)
        with pytest.raises(WorkflowError, match="待手工评分"):
            services.review(assessment=assessment, user=users.inspector)
        services.send_back(assessment=assessment, user=users.inspector, comment="先补手工评分")
    _publish(assessment, users)
    assessment.refresh_from_db()
    assert assessment.status == "published" and assessment.published_by == users.unit_admin
    before = snapshot(assessment)

    add_records(records.own, "special_meeting", [datetime.date(YEAR, 9, 9)])
    with pytest.raises(WorkflowError, match="已发布"):
        services.compute(assessment=assessment, user=users.admin)
    score = scores_of(assessment, records.own)["study_group"]
    with pytest.raises(WorkflowError, match="已发布"):
        services.set_manual_score(score=score, value=Decimal(1), reason="改分", user=users.admin)
    assert snapshot(assessment) == before

    client.force_login(users.admin)
    response = client.post(reverse("assessment:compute", args=[assessment.pk]), follow=True)
    assert "考核结果已发布，不能再修改或重新计算" in response.content.decode()
    response = client.post(
        reverse("assessment:score", args=[score.pk]),
        {"manual_score": "1", "reason": "改分"},
        follow=True,
    )
    assert "考核结果已发布" in response.content.decode()
    # evidence of a published score is frozen too, even when posted straight to the URL
    content_type = ContentType.objects.get_for_model(AssessmentScore)
    upload = client.post(
        reverse("evidence:upload", args=[content_type.pk, score.pk]),
        {"files": [pdf_upload("补充材料.pdf")]},
        follow=True,
    )
    assert "已处于「已发布」状态，佐证材料已冻结" in upload.content.decode()
    assert not score.evidence.exists()
    assert snapshot(assessment) == before
    assert Assessment.objects.get(pk=assessment.pk).status == "published"


def test_roles_and_scope(client, records, pack, users):
    own_assessment = services.create_assessment(
        unit=records.own, year=YEAR, pack=pack, user=users.unit_admin
    )
    assert list(own_assessment.targets.all()) == [records.child]  # direct children
    upper = services.create_assessment(
        unit=records.root, year=YEAR, pack=pack, user=users.admin, targets=[records.own]
    )
    services.compute(assessment=upper, user=users.admin)
    score = upper.scores.first()

    # Out of scope: 404, whatever the permission.
    client.force_login(users.unit_admin)
    for url in (
        reverse("assessment:detail", args=[upper.pk]),
        reverse("assessment:sheet", args=[upper.pk, records.own.pk]),
        reverse("assessment:score", args=[score.pk]),
    ):
        assert client.get(url).status_code == 404, url
    assert client.post(reverse("assessment:compute", args=[upper.pk])).status_code == 404
    listed = client.get(reverse("assessment:list")).context["object_list"]
    assert list(listed) == [own_assessment]

    # 单位管理员 computes; 督查员 may not compute but enters manual scores; 领导 only views.
    client.post(reverse("assessment:compute", args=[own_assessment.pk]))
    own_assessment.refresh_from_db()
    assert own_assessment.status == "computed"
    client.force_login(users.inspector)
    response = client.post(reverse("assessment:publish", args=[own_assessment.pk]), follow=True)
    assert "无权" in response.content.decode() or "不能执行" in response.content.decode()
    child_score = own_assessment.scores.get(code="five_inclusions")
    response = client.post(
        reverse("assessment:score", args=[child_score.pk]),
        {"manual_score": "10", "reason": "督查核实五个纳入全部落实"},
    )
    assert response.status_code == 302
    client.force_login(users.leader)
    assert client.get(own_assessment.get_absolute_url()).status_code == 200
    assert client.get(reverse("assessment:score", args=[child_score.pk])).status_code == 403
    client.force_login(users.sibling_clerk)
    assert client.get(own_assessment.get_absolute_url()).status_code == 403


def test_excel_export_has_the_ranking(client, assessment, records, users):
    services.compute(assessment=assessment, user=users.admin)
    client.force_login(users.admin)
    response = client.get(assessment.get_absolute_url() + "?export=xlsx")
    assert response.status_code == 200
    workbook = load_workbook(BytesIO(response.content))
    ranking_sheet = workbook["排名"]
    rows = list(ranking_sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("名次", "单位", "得分")
    assert [r[1] for r in rows[1:]] == [records.own.name, records.sibling.name]
    table = {r.unit.name: r for r in ranking(assessment)}
    assert Decimal(str(rows[1][2])) == table[records.own.name].total
    details = list(workbook["得分明细"].iter_rows(values_only=True))
    assert len(details) == 1 + assessment.scores.count()
    assert any("扣分制" in (r[6] or "") for r in details[1:])


def test_unregistered_kind_waits_for_a_manual_score(tmp_path, records, users):
    from luoshi.duty.services import load_pack_file

    path = tmp_path / "pack.yaml"
    path.write_text(
        """\
format: 1
code: asmt_test
version: 1
name: 测试考核包
grades:
  - {name: 好, at_least: 90}
  - {name: 差, at_least: 0}
areas:
  - code: a
    name: 领域
    items:
      - code: meeting
        name: 专题研究
        owner: primary
        indicator: {kind: ledger_count, params: {activity_type: special_meeting}}
        target: {count: 1, period: year}
        scoring: {points: 10, method: all_or_nothing}
      - code: future
        name: 尚无模块的指标
        owner: unit
        indicator: {kind: not_registered_anywhere}
        target: {count: 1, period: year}
        scoring: {points: 10, method: ratio}
""",
        encoding="utf-8",
    )
    pack = load_pack_file(path).pack
    assert pack.grades == [{"name": "好", "at_least": 90.0}, {"name": "差", "at_least": 0.0}]
    assessment = services.create_assessment(
        unit=records.root, year=YEAR, pack=pack, user=users.admin, targets=[records.own]
    )
    services.compute(assessment=assessment, user=users.admin)
    future = assessment.scores.get(code="future")
    assert future.source == "pending" and future.auto_score is None
    services.submit(assessment=assessment, user=users.admin)
    with pytest.raises(WorkflowError, match="尚有 1 项指标待手工评分"):
        services.review(assessment=assessment, user=users.inspector)
    services.send_back(assessment=assessment, user=users.inspector, comment="补评")
    services.set_manual_score(
        score=future, value=Decimal(9), reason="现场核查", user=users.inspector
    )
    services.submit(assessment=assessment, user=users.admin)
    services.review(assessment=assessment, user=users.inspector)
    services.publish(assessment=assessment, user=users.unit_admin)
    (row,) = ranking(assessment)
    assert row.total == Decimal(19) and row.percent == Decimal("95.00") and row.grade == "好"


def test_create_page_defaults_to_the_direct_children(client, records, pack, users):
    client.force_login(users.unit_admin)
    response = client.get(reverse("assessment:create"))
    assert response.status_code == 200
    response = client.post(
        reverse("assessment:create"),
        {"unit": records.own.pk, "year": YEAR, "pack": pack.pk, "name": ""},
    )
    assessment = Assessment.objects.get()
    assert response.status_code == 302 and response.url == assessment.get_absolute_url()
    assert assessment.name == f"{YEAR}年度意识形态工作责任制考核"
    assert list(assessment.targets.all()) == [records.child]
    assert assessment.grades == pack.grades and assessment.unit == records.own
    # A unit outside the user's scope cannot be chosen.
    response = client.post(
        reverse("assessment:create"),
        {"unit": records.sibling.pk, "year": YEAR, "pack": pack.pk},
    )
    assert response.status_code == 200 and Assessment.objects.count() == 1
    # The units assessed are below the assessing unit.
    response = client.post(
        reverse("assessment:create"),
        {"unit": records.child.pk, "year": YEAR, "pack": pack.pk, "targets": [records.own.pk]},
    )
    assert "被考核单位须是考核单位的下级单位：区委宣传部" in response.content.decode()
    assert Assessment.objects.count() == 1


def test_compute_makes_no_duty_list_where_the_user_may_not_write(records, pack, users):
    """A unit administrator computing an assessment whose target has no list of the year
    and lies outside their scope: refused, no list made there, nothing scored."""
    outsider_target = services.create_assessment(
        unit=records.root, year=YEAR, pack=pack, user=users.admin, targets=[records.sibling]
    )
    with pytest.raises(WorkflowError, match="您无权为其生成"):
        services.compute(assessment=outsider_target, user=users.unit_admin)
    assert not DutyList.objects.filter(unit=records.sibling).exists()
    assert not outsider_target.scores.exists()


def test_one_person_cannot_compute_review_and_publish(client, records, pack, users):
    """Issue 13 item 12: 计算, 复核 and 发布 are separated duties (the workflow's rule)."""
    assessment = services.create_assessment(
        unit=records.own, year=YEAR, pack=pack, user=users.unit_admin
    )
    client.force_login(users.unit_admin)
    client.post(reverse("assessment:compute", args=[assessment.pk]))
    _score_pending(assessment, users.inspector)
    client.post(reverse("assessment:submit", args=[assessment.pk]))
    assessment.refresh_from_db()
    assert assessment.status == "review"
    # Alone, the 单位管理员 who computed may neither review nor publish it.
    for step in ("review", "publish"):
        url = f"/assessment/{assessment.pk}/{step}/"
        page = client.post(url, follow=True).content.decode()
        assessment.refresh_from_db()
        assert assessment.status == "review", step
    assert "按职责分离" in page or "不能执行" in page
    # 复核 by another person; the reviewer may not publish what they reviewed.
    other_admin = make_user("u_unit_admin_2", records.own, "unit_admin")
    client.force_login(other_admin)
    client.post(reverse("assessment:review", args=[assessment.pk]))
    assessment.refresh_from_db()
    assert assessment.status == "reviewed"
    page = client.post(reverse("assessment:publish", args=[assessment.pk]), follow=True)
    assert "按职责分离" in page.content.decode()
    client.force_login(users.unit_admin)
    page = client.post(reverse("assessment:publish", args=[assessment.pk]), follow=True)
    assert "您已办理本事项的「计算」" in page.content.decode()
    assessment.refresh_from_db()
    assert assessment.status == "reviewed" and assessment.published_by is None
    # A third person publishes.
    client.force_login(make_user("u_unit_admin_3", records.own, "unit_admin"))
    client.post(reverse("assessment:publish", args=[assessment.pk]))
    assessment.refresh_from_db()
    assert assessment.status == "published"
    actors = {s.transition: s.actor_id for s in ASSESSMENT.history(assessment)}
    assert len({actors["compute"], actors["review"], actors["publish"]}) == 3


def test_pending_figures_equal_the_scores_their_links_list(client, assessment, records, users):
    """待评分 (the ``assessment_pending`` metric): on the page, for the assessment and each
    unit, the count of the 考核得分 list its link opens — not another assessment's, not a
    score given by hand, not an item 不考核."""
    services.compute(assessment=assessment, user=users.admin)
    other = services.create_assessment(
        unit=records.root,
        year=YEAR - 1,
        pack=assessment.pack,
        user=users.admin,
        targets=[records.own],
    )
    services.compute(assessment=other, user=users.admin)
    # scores no record measures (as an item without an automatic rule)
    for scores, n in ((assessment.scores.filter(unit=records.own), 3), (other.scores.all(), 2)):
        AssessmentScore.objects.filter(pk__in=[s.pk for s in scores[:n]]).update(auto_score=None)
    AssessmentScore.objects.filter(
        pk=assessment.scores.filter(unit=records.sibling).first().pk
    ).update(auto_score=None)
    waiting = list(assessment.scores.filter(auto_score__isnull=True, excluded=False))
    assert len(waiting) == 4
    first, second = waiting[0], waiting[1]
    services.set_manual_score(score=first, value=first.points, reason="核实", user=users.inspector)
    AssessmentScore.objects.filter(pk=second.pk).update(excluded=True)
    expected = {
        unit.pk: assessment.scores.filter(
            unit=unit, auto_score__isnull=True, manual_score__isnull=True, excluded=False
        ).count()
        for unit in (records.own, records.sibling)
    }

    client.force_login(users.admin)
    response = client.get(assessment.get_absolute_url())
    page = response.content.decode()
    pending = response.context["pending"]
    assert pending.count == sum(expected.values()) == len(waiting) - 2
    assert listed(client, pending.url) == pending.count
    assert html.escape(pending.url) in page
    for row in response.context["rows"]:
        assert row.pending.count == expected[row.unit.pk]
        assert listed(client, row.pending.url) == row.pending.count
        if row.pending.count:
            assert html.escape(row.pending.url) in page
    # the publishing guard reads the same figure
    _score_pending(assessment, users.inspector)
    assert client.get(assessment.get_absolute_url()).context["pending"].count == 0
    services.submit(assessment=assessment, user=users.admin)
    services.review(assessment=assessment, user=users.inspector)


def test_a_stale_manual_score_never_overwrites_another_evaluators(
    client, assessment, records, users
):
    """Two evaluators open the same score; the second save is refused, its input kept."""
    services.compute(assessment=assessment, user=users.admin)
    score = scores_of(assessment, records.own)["five_inclusions"]
    client.force_login(users.admin)
    url = reverse("assessment:score", args=[score.pk])
    version = client.get(url).context["form"]["version"].value()
    first = {"manual_score": "8", "reason": "甲：见党委会纪要", "version": version}
    assert client.post(url, first).status_code == 302
    second = {"manual_score": "6", "reason": "乙：见会议记录", "version": version}
    page = client.post(url, second)
    assert page.status_code == 200
    assert (
        "该记录已被他人修改" in page.content.decode() and "乙：见会议记录" in page.content.decode()
    )
    score.refresh_from_db()
    assert score.manual_score == Decimal("8.00") and score.reason == "甲：见党委会纪要"
