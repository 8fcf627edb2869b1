"""Data quality at entry: nothing dated in the future where the thing must have happened, and a
refused form comes back with everything the user typed and the error beside its field."""

import datetime

import pytest
from django.core.exceptions import ValidationError
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


def test_an_excel_row_dated_after_today_is_refused_with_nothing_written(client, users):
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
