"""Optimistic versioning on edit pages: a stale form never overwrites a newer save."""

import re

from django.urls import reverse

from luoshi.ledger.models import LedgerRecord
from tests.factories import LedgerRecordFactory


def form_data(record, **changes):
    data = {
        "unit": record.unit_id,
        "activity_type": record.activity_type_id,
        "date": record.date.isoformat(),
        "title": record.title,
        "expected_participants": 12,
        "actual_participants": 11,
        "audience_count": 0,
        "location": record.location,
        "summary": record.summary,
        "outcome": record.outcome,
        "tags": "",
    }
    return {**data, **changes}


def test_edit_page_carries_the_version(client, users, tree):
    record = LedgerRecordFactory(unit=tree.own, created_by=users.clerk)
    client.force_login(users.clerk)
    html = client.get(reverse("ledger:update", args=[record.pk])).content.decode()
    assert re.search(r'<input type="hidden" name="version" value="0"', html)


def test_second_of_two_stale_forms_is_refused(client, users, tree):
    record = LedgerRecordFactory(unit=tree.own, created_by=users.clerk, title="原标题")
    client.force_login(users.clerk)
    url = reverse("ledger:update", args=[record.pk])
    history = record.history.count()

    first = client.post(url, form_data(record, title="甲的修改", version=0))
    assert first.status_code == 302
    second = client.post(url, form_data(record, title="乙的修改", version=0))  # loaded before
    assert second.status_code == 200
    assert "该记录已被他人修改，请刷新后重试" in second.content.decode()

    record = LedgerRecord.objects.get(pk=record.pk)
    assert record.title == "甲的修改"
    assert record.version == 1
    assert record.history.count() == history + 1

    third = client.post(url, form_data(record, title="乙刷新后的修改", version=1))
    assert third.status_code == 302
    assert LedgerRecord.objects.get(pk=record.pk).title == "乙刷新后的修改"
