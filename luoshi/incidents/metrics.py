"""舆情办结率 (registered in IncidentsConfig.ready)."""

from django.db.models import Q

from luoshi.core.metrics import Metric, dates_between
from luoshi.core.rollups import Source


def _incidents(params):
    from luoshi.incidents.models import Incident

    return Incident.objects.all()


def _period(params, start, end) -> dict:
    return {"discovered_from": start.isoformat(), "discovered_to": end.isoformat()}


def _closed(start=None, end=None) -> Q:
    from luoshi.incidents.models import IncidentStatus

    return Q(status=IncidentStatus.CLOSED)


# by the month of the local discovery date (the metric's ``discovered_at__date``)
INCIDENTS_ROLLUP = Source(
    key="incidents",
    records=lambda: _incidents({}),
    date="discovered_at",
    counted=_closed,
    watch=(("incidents.Incident", None),),
)

METRICS = [
    Metric(
        key="incident_closure_rate",
        label="舆情办结率",
        measure_word="起",
        records=_incidents,
        in_period=dates_between("discovered_at__date"),
        counted=_closed,
        rollup=INCIDENTS_ROLLUP,
        list_url="incidents:list",
        filters=_period,
        count_filters=lambda params, start, end: {"status": "closed"},
        count_label="已办结",
        total_label="登记舆情",
        description="发现日期在期内的舆情事件中已办结的比例",
    ),
]
