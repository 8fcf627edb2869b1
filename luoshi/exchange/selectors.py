"""The figures of a unit-year that must survive a package round trip, keyed by codes, never by
database ids, so two databases can be compared.

``FIGURES`` is what the round-trip test compares. Until the dashboard's selector lands it is
``unit_year_figures`` (record counts per module + live duty progress through the indicator
registry); swapping in the dashboard is this one line.
"""

from __future__ import annotations

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
            for row in list_progress(duty_list, subtree=with_subtree):
                key = (duty_list.unit.code, duty_list.pack_code, row.item.code, with_subtree)
                progress[key] = (
                    row.count,
                    row.total,
                    row.status,
                    tuple((p.key, p.count, p.total, p.state) for p in row.periods),
                )
    return {"counts": counts, "duty_progress": progress}


FIGURES = unit_year_figures
