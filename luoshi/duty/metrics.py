"""责任清单 (registered in DutyConfig.ready)."""

from django.db.models import Q

from luoshi.core.metrics import Metric
from luoshi.duty.models import DutyList


def _lists(params):
    """Duty lists; param ``pack``: those made from one pack version (a 责任包 page)."""
    lists = DutyList.objects.all()
    if params.get("pack"):
        lists = lists.filter(pack_id=params["pack"])
    return lists


def _years_between(start, end) -> Q:
    """A list belongs to its year: the years the period touches (a bound of None: open)."""
    bounds = {"year__gte": start and start.year, "year__lte": end and end.year}
    return Q(**{name: year for name, year in bounds.items() if year is not None})


def _filters(params, start, end) -> dict:
    """The duty list page's filters: the pack version and, within one year, that year (the
    page filters one year; a period of several years lists every year of the pack)."""
    query = {"pack": params["pack"]} if params.get("pack") else {}
    if start is not None and end is not None and start.year == end.year:
        query["year"] = start.year
    return query


METRICS = [
    Metric(
        key="duty_lists",
        label="责任清单",
        measure_word="份",
        records=_lists,
        in_period=_years_between,
        list_url="duty:list",
        filters=_filters,
        description="年度在期内的责任清单（参数 pack：用某一责任包版本制作的）",
    ),
]
