"""Reporting periods: which period a date falls in, its key, bounds, label and due date."""

from __future__ import annotations

import calendar
import datetime
from dataclasses import dataclass

from django.utils.translation import gettext as _

from luoshi.tasks.models import Frequency

MONTHS = {
    Frequency.MONTHLY: 1,
    Frequency.QUARTERLY: 3,
    Frequency.HALF_YEARLY: 6,
    Frequency.YEARLY: 12,
}


@dataclass(frozen=True)
class Period:
    key: str  # 2026-03, 2026-Q1, 2026-H1, 2026
    label: str  # 2026年3月, 2026年第一季度, 2026年上半年, 2026年
    start: datetime.date
    end: datetime.date

    def due(self, due_day: int) -> datetime.date:
        """``due_day`` of the period's last month (the month's last day if it is shorter)."""
        last = calendar.monthrange(self.end.year, self.end.month)[1]
        return self.end.replace(day=max(1, min(due_day, last)))


QUARTERS = ["一", "二", "三", "四"]


def period_of(frequency: str, day: datetime.date) -> Period:
    span = MONTHS[Frequency(frequency)]
    first_month = (day.month - 1) // span * span + 1
    start = datetime.date(day.year, first_month, 1)
    last_month = first_month + span - 1
    end = datetime.date(day.year, last_month, calendar.monthrange(day.year, last_month)[1])
    index = (first_month - 1) // span
    if span == 1:
        key, label = (
            f"{day.year}-{first_month:02d}",
            _("%(y)d年%(m)d月") % {"y": day.year, "m": first_month},
        )
    elif span == 3:
        key = f"{day.year}-Q{index + 1}"
        label = _("%(y)d年第%(q)s季度") % {"y": day.year, "q": QUARTERS[index]}
    elif span == 6:
        key = f"{day.year}-H{index + 1}"
        label = (_("%(y)d年上半年") if index == 0 else _("%(y)d年下半年")) % {"y": day.year}
    else:
        key, label = str(day.year), _("%(y)d年") % {"y": day.year}
    return Period(key=key, label=label, start=start, end=end)
