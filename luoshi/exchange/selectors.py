"""The figures of a unit-year that must survive a package round trip, keyed by codes, never by
database ids, so two databases can be compared.

``FIGURES`` is what the round-trip test compares: record counts per module, live duty progress
through the indicator registry, and every number of the dashboard (驾驶舱) for the unit-year,
and its child-unit rankings (the year-on-year figures need last year's package as well).
"""

from __future__ import annotations

import datetime

from luoshi.accounts.models import User
from luoshi.core.indicators import SYSTEM
from luoshi.dashboard.selectors import dashboard, period_for
from luoshi.duty.models import DutyList
from luoshi.duty.selectors import list_progress
from luoshi.exchange.export import package_units, select


def unit_year_figures(root, year: int, subtree: bool = True) -> dict:
    counts = {label: len(rows) for label, rows in select(root, year, subtree).items()}
    progress = {}
    units = package_units(root, subtree)
    lists = DutyList.objects.filter(unit__in=units, year=year).select_related("unit")
    for duty_list in lists:
        for with_subtree in (False, True):
            for row in list_progress(duty_list, user=SYSTEM, subtree=with_subtree):
                key = (duty_list.unit.code, duty_list.pack_code, row.item.code, with_subtree)
                progress[key] = (
                    row.count,
                    row.total,
                    row.status,
                    tuple((p.key, p.count, p.total, p.state) for p in row.periods),
                )
    return {
        "counts": counts,
        "duty_progress": progress,
        "dashboard": dashboard_figures(root, year),
    }


def dashboard_figures(root, year: int) -> dict:
    """The dashboard's numbers for ``root``'s subtree and ``year`` as seen by a viewer of the
    whole deployment, keyed by panel, figure and unit code (no urls: they carry local ids).
    Only the year itself: the same period a year earlier is not in a unit-year package."""
    viewer = User(username="exchange-figures", is_active=True, is_superuser=True)
    data = dashboard(viewer, root, period_for(year), today=datetime.date(year, 12, 31))
    figures: dict[tuple[str, str], object] = {}
    for panel in data.panels.values():
        for figure in panel.figures:
            figures[(panel.key, figure.key)] = figure.current.value
        for ranking in panel.rankings:
            figures[(panel.key, ranking.key)] = tuple(
                (row.unit.code, row.value.value, row.rank) for row in ranking.rows
            )
    return figures


FIGURES = unit_year_figures
