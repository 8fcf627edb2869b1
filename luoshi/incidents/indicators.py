"""Indicators measured from the incident register (registered in IncidentsConfig.ready)."""

from urllib.parse import urlencode

from django.urls import reverse

from luoshi.core.indicators import Measure, records, register
from luoshi.incidents import selectors
from luoshi.incidents.models import Incident, IncidentStatus


def incident_query(*, unit, subtree, start, end, closed: bool) -> dict:
    query = {
        "unit": unit.pk,
        "unit_scope": "subtree" if subtree else "own",
        "discovered_from": start.isoformat(),
        "discovered_to": end.isoformat(),
    }
    if closed:
        query["status"] = IncidentStatus.CLOSED.value
    return query


@register("incident_closure_rate", "舆情办结率")
def incident_closure_rate(params, *, user, unit, subtree, start, end) -> Measure:
    """Share of the incidents discovered in the period that are closed (办结).

    ``total``: incidents registered with a discovery date in [start, end]; ``count``: those
    of them closed; ``url`` lists exactly the counted ones (drop ``status`` for the total).
    """
    incidents = records(
        selectors.discovered_between(Incident.objects.all(), start, end),
        user=user,
        unit=unit,
        subtree=subtree,
    )
    query = incident_query(unit=unit, subtree=subtree, start=start, end=end, closed=True)
    return Measure(
        count=incidents.filter(selectors.closed_q()).count(),
        total=incidents.count(),
        url=f"{reverse('incidents:list')}?{urlencode(query)}",
    )
