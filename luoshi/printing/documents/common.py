"""Wording shared by the printable documents."""

from __future__ import annotations

import datetime

from django.utils import timezone

BLANK_DATE = "　　年　　月　　日"


def chinese_date(value: datetime.date | datetime.datetime | None) -> str:
    """「2026年3月5日」 (a moment in local time), or the blank a person fills in by hand."""
    if value is None:
        return BLANK_DATE
    if isinstance(value, datetime.datetime):
        value = timezone.localtime(value).date()
    return f"{value.year}年{value.month}月{value.day}日"


def chinese_moment(value: datetime.datetime | None) -> str:
    if value is None:
        return ""
    local = timezone.localtime(value)
    return f"{chinese_date(local)} {local:%H:%M}"


def person(user) -> str:
    return (getattr(user, "full_name", "") or getattr(user, "username", "")) if user else ""
