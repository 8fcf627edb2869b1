import datetime

from django.db.models import Exists

from luoshi.core import metrics, rollups
from luoshi.core.scope import exact_scope
from luoshi.evidence.selectors import current_evidence_of
from luoshi.ledger.models import ActivityType, LedgerRecord


def evidence_present(model=LedgerRecord) -> Exists:
    """At least one current evidence item: what ``LedgerRecord.has_evidence`` stores."""
    return Exists(current_evidence_of(model))


def refresh_has_evidence(pks) -> None:
    """Set ``has_evidence`` of the records ``pks`` from their current evidence, measured
    by the rollups (an UPDATE sends no signal)."""
    pks = sorted({pk for pk in pks if pk is not None})
    if not pks:
        return
    with rollups.tracking(LedgerRecord, pks):
        LedgerRecord.objects.filter(pk__in=pks).update(has_evidence=evidence_present())


def records_for(user):
    """The records ``user`` may open, with what every page of them shows (the list shows no
    creator: the record's page adds it)."""
    return LedgerRecord.objects.for_user(user).select_related("unit", "activity_type")


def by_activity_type(user, year: int, key: str = "ledger_count", dims=(), scope=None) -> dict:
    """{activity type id: Value} of a ledger metric over ``year`` and every record the user
    may open, with the total under ``metrics.ALL_DIMENSIONS`` (``by_dimension``, one query:
    the rollup rows when the scope is one unit's subtree). The scope is the user's unit (or
    its subtree, or the top unit) when it is exactly that (``exact_scope``), else every
    record the user may open (several disjoint units); ``scope``: that (unit, subtree)
    when the caller has it already."""
    periods: list[metrics.Period] = [(datetime.date(year, 1, 1), datetime.date(year, 12, 31))]
    unit, subtree = scope or exact_scope(user) or (None, False)
    found = metrics.by_dimension(
        key, user=user, unit=unit, subtree=subtree, periods=periods, dims=dims, with_total=True
    )
    return {dim: values[0] for dim, values in found.items()}


def ledger_summary(user, year: int) -> dict:
    """The home page's year figures over every record the user may open: 台账记录 and
    无佐证记录 by activity type and in all (``by_activity_type``), 受众人次 (one query), each a
    metric ``Value`` linking to the ledger list of exactly its records; then the names of
    the types found."""
    periods: list[metrics.Period] = [(datetime.date(year, 1, 1), datetime.date(year, 12, 31))]
    unit, subtree = exact_scope(user) or (None, False)
    scope = (unit, subtree)
    records = by_activity_type(user, year, scope=scope)
    total = records.pop(metrics.ALL_DIMENSIONS)
    missing = by_activity_type(
        user, year, "ledger_without_evidence", dims=list(records), scope=scope
    )
    audience = metrics.values(
        "ledger_audience", user=user, unit=unit, subtree=subtree, periods=periods
    )[0]
    types = ActivityType.objects.filter(pk__in=list(records)).order_by("order", "pk")
    return {
        "records": total,
        "without_evidence": missing[metrics.ALL_DIMENSIONS],
        "audience": audience,
        "by_type": [
            {
                "activity_type": kind,
                "records": records[kind.pk],
                "without_evidence": missing[kind.pk],
            }
            for kind in types.only("pk", "name", "order")
        ],
    }


# The list filters a metric of the ledger answers exactly (a figure's link uses only these;
# a year is its first and last day).
METRIC_FILTERS = {"unit", "unit_scope", "activity_type", "date_from", "date_to", "evidence", "year"}


def _within_year(data: dict) -> dict:
    """``date_from``/``date_to`` narrowed to ``year`` when one is asked."""
    if not data.get("year"):
        return data
    first, last = datetime.date(data["year"], 1, 1), datetime.date(data["year"], 12, 31)
    start, end = data.get("date_from") or first, data.get("date_to") or last
    return {**data, "date_from": max(start, first), "date_to": min(end, last)}


def _metric_filters(filterset) -> dict | None:
    """The list's filters (cleaned, a year as its two dates) when they are a metric's: none,
    or a unit, its scope, a type, both dates or a year, evidence present or missing. None
    for any other filter, or one date without the other (counted by the list itself)."""
    if not filterset.is_bound:
        return {}
    if not filterset.form.is_valid():
        return None
    data = {k: v for k, v in filterset.form.cleaned_data.items() if v not in (None, "", [])}
    data = _within_year(data)
    asked = {k for k, v in filterset.data.items() if v not in ("", None) and k != "page"}
    if not asked <= METRIC_FILTERS or ("date_from" in data) != ("date_to" in data):
        return None
    return data


def metric_count(filterset, user) -> int | None:
    """The number of records the ledger list shows for ``filterset``, from the metric layer
    (``ledger_count`` / ``evidence_completeness``), when its filters are a metric's (see
    ``_metric_filters``); without a unit, when the user's scope is exactly one unit or one
    subtree (``exact_scope``); without dates, every date (the rollups' every month). None
    otherwise: the list counts its rows."""
    data = None if filterset is None else _metric_filters(filterset)
    if data is None:
        return None
    unit, subtree = data.get("unit"), data.get("unit_scope") != "own"
    if unit is None:
        unit, subtree = exact_scope(user) or (None, False)
        if unit is None:
            return None
    start, end = data.get("date_from"), data.get("date_to")
    if start is not None and start > end:
        return 0
    params = {"activity_type": data["activity_type"].code} if data.get("activity_type") else {}
    evidence = data.get("evidence")
    value = metrics.value(
        "evidence_completeness" if evidence else "ledger_count",
        user=user,
        unit=unit,
        subtree=subtree,
        start=start,
        end=end,
        params=params,
    )
    if evidence == "missing":
        return (value.total or 0) - value.count
    return value.count


def repeat_key(unit_id, day, title: str) -> tuple:
    """What makes two ledger records the same work (with their activity type): the unit, the
    date and the title, spaces aside. Used by the Excel import and by the record form."""
    return (unit_id, day, " ".join((title or "").split()))


def repeat_of(*, unit, activity_type, date, title, exclude_pk=None) -> LedgerRecord | None:
    """A record already kept for the same unit, type, date and title, or None."""
    key = repeat_key(unit.pk, date, title)
    candidates = LedgerRecord.objects.filter(unit=unit, activity_type=activity_type, date=date)
    if exclude_pk is not None:
        candidates = candidates.exclude(pk=exclude_pk)
    return next(
        (r for r in candidates.order_by("pk") if repeat_key(r.unit_id, r.date, r.title) == key),
        None,
    )
