"""驾驶舱大屏: the dashboard's own figures (same metric layer), full screen without the menu,
refreshed by a static script (no inline script), reached from the dashboard."""

import re

from django.urls import reverse

from tests.factories import LedgerRecordFactory


def test_the_wall_shows_the_dashboards_figures_without_the_menu(client, tree, users):
    for _ in range(3):
        LedgerRecordFactory(unit=tree.child, created_by=users.clerk)
    client.force_login(users.leader)
    dashboard = client.get(reverse("dashboard:index"))
    assert reverse("dashboard:wall") in dashboard.content.decode()
    wall = client.get(reverse("dashboard:wall"))
    page = wall.content.decode()
    assert wall.status_code == 200
    assert 'id="ls-menu"' not in page and 'data-refresh-seconds="300"' in page
    assert not re.search(r"<script(?![^>]*\bsrc=)", page), "inline script (CSP forbids it)"
    ledger = dashboard.context["panels"]["ledger"].figures[0]
    shown = re.search(
        r'data-testid="wall-ledger-' + ledger.key + r'">.*?ls-wall-value">([^<]+)<', page, re.S
    )
    assert shown and shown.group(1).strip() == str(ledger.current.value)
    assert (
        ledger.current.url.replace("&", "&amp;") in page
    )  # every figure links to the list of what it counts


def test_the_wall_needs_the_dashboard_permission(client, users):
    client.force_login(users.clerk)
    assert client.get(reverse("dashboard:wall")).status_code == 403
