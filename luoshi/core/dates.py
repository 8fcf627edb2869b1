"""Local calendar days as moments: the one window helper for DateTimeFields read by date.

A user's 「3 月 1 日至 3 月 31 日」 means the local days (settings.TIME_ZONE), so a
DateTimeField is within it when ``day_start(start) <= value < day_start(end + 1 day)``.
"""

import datetime

from django.db.models import Q
from django.utils import timezone


def local_moment(day: datetime.date, at: datetime.time = datetime.time.min) -> datetime.datetime:
    """``day`` at the local time ``at`` (aware): a deadline's hour, a demo record's moment."""
    return datetime.datetime.combine(day, at, tzinfo=timezone.get_current_timezone())


def day_start(day: datetime.date) -> datetime.datetime:
    """Local midnight at the start of ``day`` (aware)."""
    return local_moment(day)


def local_days(
    start: datetime.date, end: datetime.date
) -> tuple[datetime.datetime, datetime.datetime]:
    """The half-open window [start 00:00, the day after end 00:00) of local days."""
    return day_start(start), day_start(end + datetime.timedelta(days=1))


def on_local_days(
    field_name: str, start: datetime.date | None = None, end: datetime.date | None = None
) -> Q:
    """A DateTimeField on a local date within [start, end]; an open side when None."""
    condition = Q()
    if start is not None:
        condition &= Q(**{f"{field_name}__gte": day_start(start)})
    if end is not None:
        condition &= Q(**{f"{field_name}__lt": day_start(end + datetime.timedelta(days=1))})
    return condition
