"""驾驶舱 on the demo district: the committee leader sees the whole district and every number
drills down to its records; a town leader sees only the town's subtree.

The numbers are more than a hundred links to eight list pages. Each list page is opened
(a GET, rendered, as a click would) for the first of its links, and the count it shows is
compared with the count of the list view's own queryset for that link; the page's other
links are counted by that queryset — the records the page paginates, with its scope and
filters — without rendering the same page again (``OpenedLists``).
"""

from django.urls import resolve, reverse

from luoshi.accounts.models import User
from luoshi.ledger.models import LedgerRecord
from luoshi.units.models import Unit
from tests.list_support import list_queryset
from tests.test_dashboard import assert_drilldowns, count_of, sum_of

URL = reverse("dashboard:index")


class OpenedLists:
    """The ``count`` of ``assert_drilldowns``: what the list at a URL shows ``user`` (a form
    figure: the sum of the values listed), by the list view's queryset; the first URL of
    each list page is also opened as the page, and must show the same."""

    def __init__(self, client, user):
        self.client, self.user, self.opened = client, user, set()

    def __call__(self, url: str, summed: bool):
        rows = list_queryset(self.user, url)
        number = sum((row.number for row in rows), 0) if summed else rows.count()
        page = resolve(url.partition("?")[0]).view_name
        if page not in self.opened:
            self.opened.add(page)
            shown = sum_of(self.client, url) if summed else count_of(self.client, url)
            assert shown == number, url
        return number


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
    opened = OpenedLists(client, leader)
    assert assert_drilldowns(client, data, opened) > 100
    assert len(opened.opened) >= 8  # each list page (ledger, tasks, events, …) rendered once
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
    assert assert_drilldowns(client, data, OpenedLists(client, town_leader)) > 20
    assert client.get(URL, {"year": year, "unit": district.pk}).status_code == 404
    assert (
        client.get(URL, {"year": year, "unit": Unit.objects.get(code="D08").pk}).status_code == 404
    )
    assert (
        client.get(URL, {"year": year, "unit": Unit.objects.get(code="D0701").pk}).status_code
        == 200
    )
