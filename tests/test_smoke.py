import pytest
from django.urls import reverse

from tests.factories import LedgerRecordFactory


@pytest.mark.parametrize(
    "name", ["home", "ledger:list", "ledger:create", "units:list", "accounts:positions"]
)
def test_pages_render_for_unit_admin(client, users, name):
    client.force_login(users.unit_admin)
    assert client.get(reverse(name)).status_code == 200


def test_anonymous_is_sent_to_login(client, db):
    response = client.get(reverse("ledger:list"))
    assert response.status_code == 302
    assert reverse("login") in response["Location"]


def test_record_detail_shows_history(client, users, tree):
    record = LedgerRecordFactory(unit=tree.own, created_by=users.clerk)
    client.force_login(users.clerk)
    response = client.get(record.get_absolute_url())
    assert response.status_code == 200
    assert "无佐证" in response.content.decode()
