"""责任清单 (registered in DutyConfig.ready)."""

from luoshi.core.metrics import Metric, Narrow, years_between
from luoshi.duty.models import DutyList


def _lists(params):
    return DutyList.objects.all()


def _filters(params, start, end) -> dict:
    """The duty list page's filters: within one year, that year (the page filters one year;
    a period of several years lists every year of the pack)."""
    if start is not None and end is not None and start.year == end.year:
        return {"year": start.year}
    return {}


METRICS = [
    Metric(
        key="duty_lists",
        label="责任清单",
        measure_word="份",
        records=_lists,
        in_period=years_between("year"),
        list_url="duty:list",
        filters=_filters,
        # the lists made from one pack version (a 责任包 page)
        narrows=(Narrow("pack", "pack_id"),),
        description="年度在期内的责任清单（参数 pack：用某一责任包版本制作的）",
    ),
]
