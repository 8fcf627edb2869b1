from django.db.models import Count, Exists, Sum

from luoshi.evidence.selectors import current_evidence_of
from luoshi.ledger.models import LedgerRecord


def with_evidence_flag(queryset):
    """Annotate ``has_evidence`` (at least one current evidence item).

    For a page of rows only: in the SELECT list PostgreSQL runs the EXISTS once per row
    (a correlated SubPlan). To count over many records use ``having_evidence``."""
    return queryset.annotate(has_evidence=Exists(current_evidence_of(queryset.model)))


def having_evidence(queryset):
    """Only the records with at least one current evidence item.

    The EXISTS is in the WHERE clause, which PostgreSQL plans as a (hash) semi-join over
    the evidence rows instead of one index probe per record; aggregate the records with
    evidence with this and subtract from the total for the ones without."""
    return queryset.filter(Exists(current_evidence_of(queryset.model)))


def records_for(user):
    return with_evidence_flag(
        LedgerRecord.objects.for_user(user).select_related("unit", "activity_type", "created_by")
    )


def ledger_summary(user, year: int) -> dict:
    """The home page's year summary: three aggregate queries, none per record."""
    records = LedgerRecord.objects.for_user(user).filter(date__year=year).order_by()
    totals = records.aggregate(
        total=Count("pk"),
        units=Count("unit", distinct=True),
        audience=Sum("audience_count"),
    )
    type_fields = ("activity_type", "activity_type__name", "activity_type__order")
    with_evidence = {
        row["activity_type"]: row["n"]
        for row in having_evidence(records).values("activity_type").annotate(n=Count("pk"))
    }
    by_type = list(
        records.values(*type_fields).annotate(count=Count("pk")).order_by("activity_type__order")
    )
    for row in by_type:
        row["missing"] = row["count"] - with_evidence.get(row["activity_type"], 0)
    return {
        **totals,
        "without_evidence": totals["total"] - sum(with_evidence.values()),
        "audience": totals["audience"] or 0,
        "by_type": by_type,
    }
