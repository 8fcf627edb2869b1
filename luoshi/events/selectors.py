"""Reads of event filings."""

import calendar
import datetime

from django.utils import timezone

from luoshi.core.dates import on_local_days
from luoshi.events.models import EventFiling, EventRule, EventStatus, ReviewChain

CALENDAR_STATES = (EventStatus.APPROVED, EventStatus.HELD)


def events_for(user):
    return EventFiling.objects.for_user(user).select_related("unit", "created_by")


def chain_for(unit):
    """The review chain governing ``unit``: its own, else the nearest applying ancestor's."""
    return unit.own_or_inherited(ReviewChain.objects.all(), lambda c: c.applies_to_subtree)


def rules_for(unit):
    """Active filing rules of ``unit`` and of every unit above it."""
    return EventRule.objects.filter(is_active=True, unit__path__in=unit.lineage_paths)


def month_grid(user, year: int, month: int) -> list[list[dict]]:
    """Weeks (Monday first) of the month, each day with the approved events in scope."""
    first = datetime.date(year, month, 1)
    last = datetime.date(year, month, calendar.monthrange(year, month)[1])
    events = events_for(user).filter(
        on_local_days("start_at", first, last), status__in=CALENDAR_STATES
    )
    by_day: dict[datetime.date, list] = {}
    for event in events.order_by("start_at"):
        by_day.setdefault(timezone.localtime(event.start_at).date(), []).append(event)
    weeks = []
    for week in calendar.Calendar(firstweekday=0).monthdatescalendar(year, month):
        weeks.append(
            [
                {"date": day, "in_month": day.month == month, "events": by_day.get(day, [])}
                for day in week
            ]
        )
    return weeks


def held_in_period(*, start: datetime.date, end: datetime.date):
    """Events held with a start date in [start, end] (narrowed to a unit and a user by
    ``luoshi.core.indicators.records``)."""
    return EventFiling.objects.filter(
        on_local_days("start_at", start, end), status=EventStatus.HELD
    )
