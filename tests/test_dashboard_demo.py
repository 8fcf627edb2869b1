"""驾驶舱 on the demo district: the committee leader sees the whole district and every number
drills down to its records; a town leader sees only the town's subtree."""

from django.urls import reverse

from luoshi.accounts.models import User
from luoshi.ledger.models import LedgerRecord
from luoshi.units.models import Unit
from tests.test_dashboard import assert_drilldowns

URL = reverse("dashboard:index")


def test_demo_district_leader_and_town_leader(client, demo_district):
    year = demo_district.today.year  # the demo's year, whatever the date of the run

    leader = User.objects.get(username="qw_leader")
    district = Unit.objects.get(code="D00")
    client.force_login(leader)
    response = client.get(URL, {"year": year})
    assert response.status_code == 200
    data = response.context["data"]
    assert data.unit == district
    assert {u.code for u in data.children} == set(
        Unit.objects.filter(depth=2).values_list("code", flat=True)
    )
    # every module has something to show in the demo, and the ledger total is the district's
    assert set(data.panels) == {
        "ledger",
        "tasks",
        "publications",
        "events",
        "incidents",
        "rectification",
        "risks",
        "assessment",
        "statforms",
    }
    records = data.panels["ledger"].figure("records").current
    assert records.value == LedgerRecord.objects.filter(date__year=year).count() > 100
    for key, figure in [
        ("tasks", "assigned"),
        ("publications", "published"),
        ("events", "held"),
        ("incidents", "incidents"),
        ("rectification", "due"),
        ("risks", "open"),
        ("statforms", "xxqg_downloads"),
    ]:
        assert data.panels[key].figure(figure).current.value > 0, key
    assert data.panels["assessment"].extra["rows"], "the demo assessment ranks the units"
    # every number, ranking cell, chart segment and heat-map cell lists exactly its records
    assert assert_drilldowns(client, data) > 100
    duty = client.get(reverse("dashboard:duty"), {"year": year})
    assert duty.status_code == 200 and duty.context["duty"].duty_list.unit == district
    assert 'data-testid="duty-behind"' in duty.content.decode()

    town_leader = User.objects.get(username="cgjd_leader")
    town = Unit.objects.get(code="D07")
    client.force_login(town_leader)
    response = client.get(URL, {"year": year})
    data = response.context["data"]
    assert data.unit == town
    assert [u.code for u in data.lineage] == ["D07"]  # the district is above its scope
    assert data.panels["ledger"].figure("records").current.value == (
        LedgerRecord.objects.filter(date__year=year, unit__path__startswith=town.path).count()
    )
    assert assert_drilldowns(client, data) > 20
    assert client.get(URL, {"year": year, "unit": district.pk}).status_code == 404
    assert (
        client.get(URL, {"year": year, "unit": Unit.objects.get(code="D08").pk}).status_code == 404
    )
    assert (
        client.get(URL, {"year": year, "unit": Unit.objects.get(code="D0701").pk}).status_code
        == 200
    )
