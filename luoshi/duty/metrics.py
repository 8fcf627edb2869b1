"""责任清单 (registered in DutyConfig.ready)."""

from luoshi.core.metrics import Metric, years_between
from luoshi.duty.models import DutyList


def _lists(params):
    """Duty lists; param ``pack``: those made from one pack version (a 责任包 page)."""
    lists = DutyList.objects.all()
    if params.get("pack"):
        lists = lists.filter(pack_id=params["pack"])
    return lists


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
        in_period=years_between("year"),
        list_url="duty:list",
        filters=_filters,
        description="年度在期内的责任清单（参数 pack：用某一责任包版本制作的）",
    ),
]
