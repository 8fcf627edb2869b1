"""责任清单 (registered in DutyConfig.ready)."""

from django.db.models import Case, CharField, Q, Value, When
from django.utils.translation import gettext as _

from luoshi.core.metrics import Metric, Narrow, years_between
from luoshi.duty.models import DutyItem, DutyList
from luoshi.duty.selectors import ASSESSED, ASSESSED_STATES


def _lists(params):
    return DutyList.objects.all()


def _filters(params, start, end) -> dict:
    """The duty list page's filters: within one year, that year (the page filters one year;
    a period of several years lists every year of the pack)."""
    if start is not None and end is not None and start.year == end.year:
        return {"year": start.year}
    return {}


def _items(params):
    """Every duty item; given ``states`` ({item pk: progress state}, as
    ``duty.selectors.item_states`` measured them for the user), each annotated with its
    ``state`` (an item left out of ``states``: "").

    An item's progress state (已完成 / 进行中 / 滞后 …) is no column: it is its live progress
    against its target, measured from the records of every period through the metric of its
    indicator, for a user (the records the user may open), own unit or with the subtree, as
    of today (``selectors.item_progress``). It cannot be a condition of this query, so it is
    measured first and stated here as an annotation; the item list's ``state`` filter
    measures the list the same way for the user who opens it."""
    items = DutyItem.objects.all()
    states = params.get("states")
    if states is None:
        # a state without the measured states selects nothing (never an error: a figure
        # asked with hand-written params, e.g. a form's prefill, must not break a page)
        return items.annotate(state=Value("", output_field=CharField()))
    by_state: dict[str, list[int]] = {}
    for pk, state in states.items():
        by_state.setdefault(state, []).append(pk)
    cases = [When(pk__in=pks, then=Value(state)) for state, pks in sorted(by_state.items())]
    return items.annotate(state=Case(*cases, default=Value(""), output_field=CharField()))


def _in_state(state: str) -> Q:
    """``assessed``: every item but 不考核 (``selectors.ASSESSED``), as the list's filter."""
    return Q(state__in=ASSESSED_STATES) if state == ASSESSED else Q(state=state)


def _item_filters(params, start, end) -> dict:
    """The item list's filters: the years of the period (its lists' year), and how the
    state was measured (``scope``: own unit or with the subtree)."""
    bounds = {"year_from": start and start.year, "year_to": end and end.year}
    query = _filters(params, start, end) or {k: v for k, v in bounds.items() if v is not None}
    if params.get("scope"):
        query["scope"] = params["scope"]
    return query


def _not_an_indicator(params: dict) -> str:
    """``duty_items`` counts a duty list's own items: no duty item is measured by it."""
    return _("责任项数（duty_items）是责任清单自身的统计，不能用作责任项的考核指标。")


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
    Metric(
        key="duty_items",
        label="责任项",
        measure_word="项",
        records=_items,
        in_period=years_between("duty_list__year"),
        list_url="duty:items",
        filters=_item_filters,
        # ``duty_list``: the items of one list; ``state``: those in that progress state
        # (with ``states`` measured and ``scope`` saying how: ``selectors.state_values``)
        narrows=(Narrow("duty_list", "duty_list_id"), Narrow("state", _in_state)),
        check_params=_not_an_indicator,
        description="年度在期内的责任清单的责任项（参数 duty_list：某一清单的；state：处于该进度状态的）",
    ),
]
