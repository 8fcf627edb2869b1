"""Facts from the accepted values of statistics forms (luoshi.statforms), kept apart from the
other facts: 「全街道下载使用“学习强国”学习平台的党员…人，占党员总数…%」 in the 专题报告 of a 街道.

The figures are the form metrics ``statform_figure`` / ``statform_rate`` (the sum of the
accepted values, and the numerator's sum over the denominator's), read for the report's unit
and subtree. A stock such as 党员下载人数 is stated for the LAST quarter of the year that has
accepted values (summing four quarters of a stock would count each member four times); the
link opens exactly the values summed, each of which opens its submission.
"""

from __future__ import annotations

import datetime

from luoshi.core import metrics
from luoshi.reports.engine.facts import Fact, FactBook

DOWNLOADS, MEMBERS = "xxqg_downloads", "party_members"
STUDY_APP_KEYS = ("statform:xxqg_downloads", "statform:xxqg_rate")


def _quarters(year: int) -> list[tuple[datetime.date, datetime.date]]:
    ends = [(3, 31), (6, 30), (9, 30), (12, 31)]
    return [
        (datetime.date(year, month - 2, 1), datetime.date(year, month, day)) for month, day in ends
    ]


def add_study_app_facts(book: FactBook) -> None:
    """The two facts, from the last quarter with accepted values (none: 「—」, never 0)."""
    rates = metrics.values(
        "statform_rate",
        user=book.user,
        unit=book.unit,
        subtree=True,
        periods=_quarters(book.year),
        params={"figure": DOWNLOADS, "of": MEMBERS},
        today=book.today,
    )
    quarter = next((q for q in range(len(rates) - 1, -1, -1) if rates[q].total), None)
    latest = rates[quarter] if quarter is not None else None
    count = latest.count if latest else None
    url = latest.count_url if latest else ""
    # the stock is of that quarter: the report says 「截至三季度末」, not a year-end figure
    extra = {"quarter": quarter + 1} if latest else {}
    book.add(Fact(STUDY_APP_KEYS[0], "党员下载学习强国人数", count, "人", url, count, extra=extra))
    rate, members = (latest.rate, latest.total) if latest else (None, None)
    # As every rate fact: ``records`` is the denominator (党员总数), never 0 for a stated rate.
    book.add(Fact(STUDY_APP_KEYS[1], "占党员总数", rate, "%", url, members))
