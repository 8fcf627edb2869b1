"""Data quality at entry: nothing dated in the future where the thing must have happened, and a
refused form comes back with everything the user typed and the error beside its field."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from luoshi.ledger import services
from luoshi.ledger.forms import LedgerRecordForm
from luoshi.ledger.models import ActivityType, LedgerRecord
from tests.test_ledger_excel import STUDY_HEADERS, error_triples, post_import, study_row, xlsx

FUTURE = "台账记录的是已开展的工作，日期不能晚于今天。"


def tomorrow():
    return timezone.localdate() + datetime.timedelta(days=1)


def test_the_ledger_form_refuses_a_date_after_today(tree, users):
    study = ActivityType.objects.get(code="study_group")
    data = {"unit": tree.own.pk, "activity_type": study.pk, "date": tomorrow(), "title": "学习"}
    form = LedgerRecordForm(data=data, user=users.clerk)
    assert not form.is_valid()
    assert form.errors["date"] == [FUTURE]


def test_a_service_write_refuses_a_date_after_today(tree, users):
    study = ActivityType.objects.get(code="study_group")
    with pytest.raises(ValidationError, match="日期不能晚于今天"):
        services.record_activity(
            unit=tree.own, activity_type=study, date=tomorrow(), title="学习", user=users.clerk
        )
    assert not LedgerRecord.objects.exists()


def test_an_excel_row_dated_after_today_is_refused_with_nothing_written(client, users, settings):
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
    client.force_login(users.clerk)
    rows = [study_row(date=datetime.date(2026, 3, 5)), study_row(date=tomorrow(), title="下周学习")]
    response = post_import(client, "study_group", xlsx(STUDY_HEADERS, rows))
    assert (3, "日期", FUTURE) in error_triples(response)
    assert not LedgerRecord.objects.exists()


def test_one_out_of_range_score_keeps_every_score_note_and_date(client, tree, users):
    from tests.inspections_support import make_plan

    setup = make_plan(tree, users)
    first, second = setup.lines[0], setup.lines[1]
    client.force_login(users.inspector)
    data = {
        f"score-{first.pk}": "8.5",
        f"note-{first.pk}": "学习记录较全",
        f"score-{second.pk}": "999",
        f"note-{second.pk}": "佐证材料缺失",
        "inspected_on": "2026-03-02",
        "summary": "工作基础较好，台账需补齐。",
    }
    response = client.post(reverse("inspections:result_scores", args=[setup.result.pk]), data)
    page = response.content.decode()
    assert response.status_code == 200
    assert f"得分不能超过本项满分 {second.max_score}" in page
    for kept in ('value="8.5"', "学习记录较全", 'value="999"', "佐证材料缺失", "2026-03-02"):
        assert kept in page
    assert "工作基础较好，台账需补齐。" in page
    assert not setup.result.scores.exists()


def test_a_submission_refused_for_missing_evidence_keeps_its_text(client, tree, users):
    from tests.tasks_support import issue, task_world

    world = task_world(tree, users)
    assignment = issue(world, evidence_required=True).assignments.get(unit=world.news)
    client.force_login(world.news_clerk)
    text = "已组织全科学习两次，形成心得体会8篇。"
    url = reverse("tasks:submit", args=[assignment.pk])
    response = client.post(url, {"submit-response": text})
    page = response.content.decode()
    assert response.status_code == 200
    assert text in page and "佐证" in page
    assignment.refresh_from_db()
    assert assignment.status == "pending" and assignment.response == ""


@pytest.fixture
def jobs_at_once(settings):
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}


def _import(client, type_code, upload, duplicates=""):
    activity_type = ActivityType.objects.get(code=type_code)
    data = {"activity_type": activity_type.pk, "file": upload, "duplicates": duplicates}
    return client.post(reverse("ledger:import"), data, follow=True)


def test_importing_the_same_file_again_doubles_nothing(client, users, jobs_at_once):
    client.force_login(users.clerk)
    rows = [study_row(title="中心组第一次集体学习"), study_row(title="中心组第二次集体学习")]
    _import(client, "study_group", xlsx(STUDY_HEADERS, rows))
    assert LedgerRecord.objects.count() == 2

    again = _import(client, "study_group", xlsx(STUDY_HEADERS, rows))
    assert "与已有记录重复" in again.content.decode()
    assert LedgerRecord.objects.count() == 2  # refused whole, rows named

    rows.append(study_row(title="中心组第三次集体学习"))
    skipped = _import(client, "study_group", xlsx(STUDY_HEADERS, rows), duplicates="skip")
    assert "跳过与已有记录重复的 2 行" in skipped.content.decode()
    assert LedgerRecord.objects.count() == 3

    _import(client, "study_group", xlsx(STUDY_HEADERS, rows[:1]), duplicates="keep")
    assert LedgerRecord.objects.count() == 4  # the user confirmed it is another meeting


def test_a_template_of_another_type_is_refused(client, users, jobs_at_once):
    client.force_login(users.clerk)
    template = client.get(reverse("ledger:import_template", args=["study_group"])).content
    upload = SimpleUploadedFile("中心组学习模板.xlsx", template)
    page = _import(client, "training", upload).content.decode()
    assert "该文件是「中心组学习」的导入模板，与所选的「培训」不一致" in page
    assert not LedgerRecord.objects.exists()
    upload = SimpleUploadedFile("中心组学习模板.xlsx", template)
    _import(client, "study_group", upload)
    assert LedgerRecord.objects.get().activity_type.code == "study_group"


def test_a_record_typed_twice_is_warned_about_and_saved_only_when_confirmed(client, tree, users):
    study = ActivityType.objects.get(code="study_group")
    day = timezone.localdate() - datetime.timedelta(days=3)
    data = {
        "unit": tree.own.pk,
        "activity_type": study.pk,
        "date": day.isoformat(),
        "title": "中心组专题学习  全会精神",
        "summary": "传达学习全会精神。",
    }
    client.force_login(users.clerk)
    url = reverse("ledger:create")
    assert client.post(url, data).status_code == 302
    data["title"] = "中心组专题学习 全会精神"  # the same title, spaced otherwise
    again = client.post(url, data)
    page = again.content.decode()
    assert again.status_code == 200
    assert "本单位已有同一天、同一标题的「中心组学习」记录" in page
    assert 'type="checkbox" name="confirm_repeat"' in page
    assert "传达学习全会精神。" in page  # what was typed is kept
    assert LedgerRecord.objects.count() == 1

    other_day = {**data, "date": (day - datetime.timedelta(days=1)).isoformat()}
    assert client.post(url, other_day).status_code == 302  # another day is another meeting
    assert client.post(url, {**data, "confirm_repeat": "on"}).status_code == 302
    assert LedgerRecord.objects.count() == 3


def test_a_first_record_shows_no_repeat_box(client, users):
    client.force_login(users.clerk)
    page = client.get(reverse("ledger:create")).content.decode()
    assert 'name="confirm_repeat"' in page and 'type="checkbox" name="confirm_repeat"' not in page


def test_a_publication_is_not_registered_as_published_in_the_future():
    from luoshi.publications.forms import PublishForm

    later = timezone.localtime() + datetime.timedelta(days=2)
    form = PublishForm(data={"url": "https://example.cn/a", "at": later.strftime("%Y-%m-%d %H:%M")})
    assert not form.is_valid()
    assert form.errors["at"] == ["登记的是已发布的稿件，发布时间不能晚于当前时间。"]
    earlier = timezone.localtime() - datetime.timedelta(hours=1)
    form = PublishForm(
        data={"url": "https://example.cn/a", "at": earlier.strftime("%Y-%m-%d %H:%M")}
    )
    assert form.is_valid(), form.errors


def test_a_risk_is_not_identified_tomorrow(tree, users):
    from luoshi.risks.forms import RiskForm
    from luoshi.risks.models import RiskArea, RiskLevel

    data = {
        "unit": tree.own.pk,
        "area": RiskArea.objects.get(code="online").pk,
        "level": RiskLevel.objects.get(code="blue").pk,
        "description": "公众号转载把关不严",
        "measures": "落实三审",
        "identified_on": tomorrow().isoformat(),
    }
    form = RiskForm(data=data, user=users.clerk)
    assert not form.is_valid()
    assert form.errors["identified_on"] == ["识别日期不能晚于今天。"]
    form = RiskForm(data={**data, "identified_on": timezone.localdate()}, user=users.clerk)
    assert "identified_on" not in form.errors


def test_a_file_refused_for_repeats_is_imported_again_by_one_choice(client, users, jobs_at_once):
    from luoshi.core.background import ImportJob

    client.force_login(users.clerk)
    rows = [study_row(title="中心组第一次集体学习")]
    _import(client, "study_group", xlsx(STUDY_HEADERS, rows))
    rows.append(study_row(title="中心组第二次集体学习"))
    refused = _import(client, "study_group", xlsx(STUDY_HEADERS, rows)).content.decode()
    assert "文件中有 1 行与已有记录重复。如何处理？" in refused
    assert LedgerRecord.objects.count() == 1
    job = ImportJob.objects.order_by("-pk").first()
    url = reverse("ledger:import_repeats", args=[job.pk])

    done = client.post(url, {"duplicates": "skip"}, follow=True).content.decode()
    assert "跳过与已有记录重复的 1 行" in done  # no second upload
    assert LedgerRecord.objects.count() == 2
    again = client.post(url, {"duplicates": "keep"}, follow=True).content.decode()
    assert "该文件已处理或已过期，请重新上传。" in again  # the kept copy answers once
    assert LedgerRecord.objects.count() == 2

    client.force_login(users.sibling_clerk)  # another user's job is not theirs to re-run
    assert client.post(url, {"duplicates": "keep"}).status_code == 404


def test_a_file_with_other_errors_offers_no_repeat_choice(client, users, jobs_at_once):
    client.force_login(users.clerk)
    rows = [study_row(title="中心组第一次集体学习")]
    _import(client, "study_group", xlsx(STUDY_HEADERS, rows))
    rows.append(study_row(date=tomorrow(), title="下周学习"))
    page = _import(client, "study_group", xlsx(STUDY_HEADERS, rows)).content.decode()
    assert "与已有记录重复" in page and FUTURE in page
    assert 'data-testid="repeat-choice"' not in page
