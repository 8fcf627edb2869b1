"""The periods a duty item's target applies to within its year (全年 / 每半年 / 每季度 / 每月)."""

from __future__ import annotations

import calendar
import datetime
from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext_lazy as _


class PeriodKind(models.TextChoices):
    YEAR = "year", _("全年")
    HALF = "half", _("每半年")
    QUARTER = "quarter", _("每季度")
    MONTH = "month", _("每月")


MONTHS = {PeriodKind.YEAR: 12, PeriodKind.HALF: 6, PeriodKind.QUARTER: 3, PeriodKind.MONTH: 1}
HALF_LABELS = [_("上半年"), _("下半年")]
QUARTER_LABELS = [_("第一季度"), _("第二季度"), _("第三季度"), _("第四季度")]


@dataclass(frozen=True)
class Period:
    key: str  # Y, H1, Q3, M07
    label: str
    start: datetime.date
    end: datetime.date


def periods(kind: str, year: int) -> list[Period]:
    """The periods of ``year`` for ``kind``, in order."""
    span = MONTHS[PeriodKind(kind)]
    result = []
    for index, first in enumerate(range(1, 13, span)):
        last = first + span - 1
        start = datetime.date(year, first, 1)
        end = datetime.date(year, last, calendar.monthrange(year, last)[1])
        if span == 12:
            key, label = "Y", _("全年")
        elif span == 6:
            key, label = f"H{index + 1}", HALF_LABELS[index]
        elif span == 3:
            key, label = f"Q{index + 1}", QUARTER_LABELS[index]
        else:
            key, label = f"M{first:02d}", _("%(m)d月") % {"m": first}
        result.append(Period(key=key, label=str(label), start=start, end=end))
    return result
