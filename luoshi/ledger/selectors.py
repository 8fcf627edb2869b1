from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, Exists, OuterRef, Q, Sum

from luoshi.evidence.models import Evidence
from luoshi.ledger.models import LedgerRecord


def with_evidence_flag(queryset):
    """Annotate ``has_evidence`` (at least one current evidence item)."""
    evidence = Evidence.objects.filter(
        content_type=ContentType.objects.get_for_model(queryset.model),
        object_id=OuterRef("pk"),
        is_current=True,
    )
    return queryset.annotate(has_evidence=Exists(evidence))


def records_for(user):
    return with_evidence_flag(
        LedgerRecord.objects.for_user(user).select_related("unit", "activity_type", "created_by")
    )


def ledger_summary(user, year: int) -> dict:
    records = records_for(user).filter(date__year=year)
    totals = records.aggregate(
        total=Count("pk"),
        without_evidence=Count("pk", filter=Q(has_evidence=False)),
        units=Count("unit", distinct=True),
        audience=Sum("audience_count"),
    )
    by_type = (
        records.order_by()
        .values("activity_type", "activity_type__name", "activity_type__order")
        .annotate(count=Count("pk"), missing=Count("pk", filter=Q(has_evidence=False)))
        .order_by("activity_type__order")
    )
    return {**totals, "audience": totals["audience"] or 0, "by_type": list(by_type)}
