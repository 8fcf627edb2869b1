"""Hostile query parameters on every list page: ignored or 400, never a 500.

The list URLs come from the URL configuration (``tests.test_url_matrix.LIST_ROUTES``),
so a new list page is walked without anyone adding it here. Each page is requested once
plainly, to learn the parameters its filter form reads, then with hostile values for
those and for the parameters every list, the dashboard and the calendar share.
"""

import datetime

import pytest
from django.urls import reverse

from tests.factories import LedgerRecordFactory
from tests.test_url_matrix import EXTRA_KWARGS, LIST_ROUTES, fill

HUGE = "99999999999999999999"
# values a person can type into any parameter: junk, a sign, beyond any integer column,
# an impossible date, a NUL byte (PostgreSQL refuses it in text) with markup
HOSTILE_VALUES = ["x", "-1", HUGE, "2026-13-40", "a\x00b<script>"]
# parameters read outside the filter forms (pagination, periods, calendar, unit pickers)
COMMON_PARAMS = ["unit", "year", "month", "page", "screening", "version", "status"]


def _params_of(response) -> list[str]:
    context = response.context or {}
    names = set(COMMON_PARAMS)
    for key in ("filter", "form"):
        form = context.get(key)
        form = getattr(form, "form", form)  # a FilterSet carries its form
        if form is not None and hasattr(form, "fields"):
            names.update(form.add_prefix(name) for name in form.fields)
    return sorted(names)


@pytest.fixture
def hostile_world(users, tree):
    LedgerRecordFactory(unit=tree.own, created_by=users.clerk)
    return users


def _walk(client, url):
    """Each hostile value in every parameter at once; when the page answers that with
    anything but 200 (a 404 may stop it before the other parameters are read), the
    value again in one parameter at a time."""
    first = client.get(url)
    if first.status_code != 200:
        return []
    names = _params_of(first)
    failures = []
    for value in HOSTILE_VALUES:
        response = client.get(url, dict.fromkeys(names, value))
        if response.status_code == 200:
            continue
        for name in names:
            response = client.get(url, {name: value})
            if response.status_code >= 500:
                failures.append(f"{url}?{name}={value!r}: {response.status_code}")
    return failures


@pytest.mark.parametrize("route", LIST_ROUTES, ids=[r.name for r in LIST_ROUTES])
def test_hostile_query_parameters_never_500(client, hostile_world, route):
    client.raise_request_exception = False
    client.force_login(hostile_world.admin)
    url = fill(route, {k: EXTRA_KWARGS[k](None) for k in route.kwargs})
    failures = _walk(client, url)
    assert not failures, "\n".join(failures)


def test_the_walk_reaches_the_calendar_and_the_dashboard():
    urls = {fill(r, {k: EXTRA_KWARGS[k](None) for k in r.kwargs}) for r in LIST_ROUTES}
    assert reverse("events:calendar") in urls
    assert reverse("dashboard:index") in urls


@pytest.mark.parametrize(
    "query", [{"year": "1", "month": "1"}, {"year": "9999", "month": "12"}, {"month": "13"}]
)
def test_calendar_outside_the_years_shows_this_month(client, users, query):
    """The month before year 1 or after 9999 cannot be linked: such a year is ignored."""
    client.force_login(users.clerk)
    response = client.get(reverse("events:calendar"), query)
    assert response.status_code == 200
    assert response.context["month"].year == datetime.date.today().year


def test_a_page_number_that_is_no_page_shows_the_nearest_page(client, hostile_world):
    client.force_login(hostile_world.clerk)
    for page, expected in (("x", 1), ("0", 1), (HUGE, 1), ("-3", 1)):
        response = client.get(reverse("ledger:list"), {"page": page})
        assert response.status_code == 200, page
        assert response.context["page_obj"].number == expected
