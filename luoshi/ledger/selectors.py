import datetime

from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, Exists, OuterRef, Q, Sum

from luoshi.core import metrics, rollups
from luoshi.evidence.models import Evidence
from luoshi.ledger.models import ActivityType, LedgerRecord


def _current_evidence_of(model):
    return Evidence.objects.filter(
        content_type=ContentType.objects.get_for_model(model),
        object_id=OuterRef("pk"),
        is_current=True,
    )


def evidence_present(model=LedgerRecord) -> Exists:
    """At least one current evidence item: what ``LedgerRecord.has_evidence`` stores."""
    return Exists(_current_evidence_of(model))


def refresh_has_evidence(pks) -> None:
    """Set ``has_evidence`` of the records ``pks`` from their current evidence, measured
    by the rollups (an UPDATE sends no signal)."""
    pks = sorted({pk for pk in pks if pk is not None})
    if not pks:
        return
    with rollups.tracking(LedgerRecord, pks):
        LedgerRecord.objects.filter(pk__in=pks).update(has_evidence=evidence_present())


def records_for(user):
    return LedgerRecord.objects.for_user(user).select_related("unit", "activity_type", "created_by")


def ledger_summary(user, year: int) -> dict:
    """The home page's year summary: one scan of the year's records in the user's scope,
    grouped by unit and type (the units and the totals are added up here), then the names
    of the types found."""
    records = LedgerRecord.objects.for_user(user).filter(date__year=year).order_by()
    groups = records.values("unit", "activity_type").annotate(
        count=Count("pk"),
        evidenced=Count("pk", filter=Q(has_evidence=True)),
        audience=Sum("audience_count"),
    )
    units, audience = set(), 0
    per_type: dict[int, list[int]] = {}  # type id -> [records, with evidence]
    for group in groups:
        units.add(group["unit"])
        audience += group["audience"] or 0
        counts = per_type.setdefault(group["activity_type"], [0, 0])
        counts[0] += group["count"]
        counts[1] += group["evidenced"]
    types = ActivityType.objects.filter(pk__in=per_type).order_by("order", "pk")
    by_type = [
        {
            "activity_type": kind.pk,
            "activity_type__name": kind.name,
            "activity_type__order": kind.order,
            "count": per_type[kind.pk][0],
            "missing": per_type[kind.pk][0] - per_type[kind.pk][1],
        }
        for kind in types.only("pk", "name", "order")
    ]
    total = sum(count for count, _ in per_type.values())
    return {
        "total": total,
        "units": len(units),
        "without_evidence": total - sum(evidenced for _, evidenced in per_type.values()),
        "audience": audience,
        "by_type": by_type,
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


def metric_count(filterset, user) -> int | None:
    """The number of records the ledger list shows for ``filterset``, from the metric layer
    (``ledger_count`` / ``evidence_completeness``), when its filters are a metric's: a unit,
    its scope, a type, both dates or a year, evidence present or missing. None otherwise."""
    if filterset is None or not filterset.is_bound or not filterset.form.is_valid():
        return None
    data = {k: v for k, v in filterset.form.cleaned_data.items() if v not in (None, "", [])}
    data = _within_year(data)
    asked = {k for k, v in filterset.data.items() if v not in ("", None) and k != "page"}
    if not asked <= METRIC_FILTERS or not {"unit", "date_from", "date_to"} <= set(data):
        return None
    if data["date_from"] > data["date_to"]:
        return 0
    params = {"activity_type": data["activity_type"].code} if data.get("activity_type") else {}
    evidence = data.get("evidence")
    value = metrics.value(
        "evidence_completeness" if evidence else "ledger_count",
        user=user,
        unit=data["unit"],
        subtree=data.get("unit_scope") != "own",
        start=data["date_from"],
        end=data["date_to"],
        params=params,
    )
    if evidence == "present":
        return value.count
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
