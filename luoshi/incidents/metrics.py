"""舆情办结率 (registered in IncidentsConfig.ready)."""

from decimal import Decimal

from django.db.models import DurationField, ExpressionWrapper, F, Q

from luoshi.core.metrics import Metric, adding, dates_between, fixed, period_filters
from luoshi.core.rollups import Source
from luoshi.incidents.models import Incident, IncidentStatus


def _incidents(params):
    return Incident.objects.all()


_period = period_filters("discovered_from", "discovered_to")


def _closed(start=None, end=None) -> Q:
    return Q(status=IncidentStatus.CLOSED)


def _open(params):
    return _incidents(params).exclude(_closed())


def _responded(params):
    """Incidents with a first response, each with how long it took (``response``)."""
    response = ExpressionWrapper(F("responded_at") - F("discovered_at"), DurationField())
    return _incidents(params).filter(responded_at__isnull=False).annotate(response=response)


def _handled(params):
    """Incidents handled (处置完成), each with how long it took (``handling``)."""
    handling = ExpressionWrapper(F("handled_at") - F("discovered_at"), DurationField())
    return _incidents(params).filter(handled_at__isnull=False).annotate(handling=handling)


def _hours(amount, count) -> Decimal:
    """The mean of ``count`` response times summing to ``amount``, in hours (to 0.1)."""
    return (Decimal(amount.total_seconds()) / count / 3600).quantize(Decimal("0.1"))


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
        count_filters=fixed(status="closed"),
        count_label="已办结",
        total_label="登记舆情",
        description="发现日期在期内的舆情事件中已办结的比例",
    ),
    Metric(
        key="incidents_open",
        label="未办结舆情",
        measure_word="起",
        records=_open,
        in_period=dates_between("discovered_at__date"),
        rollup=INCIDENTS_ROLLUP,
        rollup_rest=True,
        list_url="incidents:list",
        filters=adding(_period, status="open"),
        description="发现日期在期内、尚未办结的舆情事件",
    ),
    Metric(
        key="incident_response_hours",
        label="平均响应用时",
        measure_word="起",
        records=_responded,
        in_period=dates_between("discovered_at__date"),
        list_url="incidents:list",
        filters=adding(_period, responded="true"),
        averaged="response",
        mean=_hours,
        mean_word="小时",
        description="发现日期在期内、已首次响应的舆情事件从发现到首次响应的平均用时（小时）",
    ),
    Metric(
        key="incident_handling_hours",
        label="平均处置用时",
        measure_word="起",
        records=_handled,
        in_period=dates_between("discovered_at__date"),
        list_url="incidents:list",
        filters=adding(_period, handled="true"),
        averaged="handling",
        mean=_hours,
        mean_word="小时",
        description="发现日期在期内、已处置完成的舆情事件从发现到处置完成的平均用时（小时）",
    ),
]
