"""``evidence_completeness``: the share of a unit's ledger records that carry evidence.

A pack may use it like any indicator (``kind: evidence_completeness``, a ``rate`` target);
``count`` is the records with at least one current evidence file or link, ``total`` all of
the unit's ledger records in the period, ``url`` the ledger list of those records.
"""

from urllib.parse import urlencode

from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from luoshi.core.indicators import Measure, records, register


@register("evidence_completeness", "台账佐证完整率")
def evidence_completeness(params, *, user, unit, subtree, start, end) -> Measure:
    from luoshi.evidence.models import Evidence
    from luoshi.ledger.models import LedgerRecord

    ledger = records(
        LedgerRecord.objects.filter(date__gte=start, date__lte=end),
        user=user,
        unit=unit,
        subtree=subtree,
    )
    with_evidence = Evidence.objects.filter(
        content_type=ContentType.objects.get_for_model(LedgerRecord), is_current=True
    ).values("object_id")
    query = {
        "unit": unit.pk,
        "unit_scope": "subtree" if subtree else "own",
        "date_from": start.isoformat(),
        "date_to": end.isoformat(),
    }
    return Measure(
        count=ledger.filter(pk__in=with_evidence).count(),
        total=ledger.count(),
        url=f"{reverse('ledger:list')}?{urlencode(query)}",
    )
