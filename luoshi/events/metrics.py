"""讲座论坛 100% 备案 (registered in EventsConfig.ready)."""

from django.db.models import F, Q

from luoshi.core.metrics import Metric, fixed, moments_between, period_filters
from luoshi.core.rollups import Source
from luoshi.events.models import EventFiling, EventStatus


def _held(params):
    return EventFiling.objects.filter(status=EventStatus.HELD)


def _approved_before(start=None, end=None) -> Q:
    return Q(approved_at__isnull=False, approved_at__lte=F("start_at"))


EVENTS_ROLLUP = Source(
    key="events",
    records=lambda: _held({}),
    date="start_at",
    counted=_approved_before,
    watch=(("events.EventFiling", None),),
)

METRICS = [
    Metric(
        key="event_filing_rate",
        label="讲座论坛备案率",
        measure_word="场",
        records=_held,
        in_period=moments_between("start_at"),
        counted=_approved_before,
        rollup=EVENTS_ROLLUP,
        list_url="events:list",
        filters=period_filters("date_from", "date_to", status="held"),
        count_filters=fixed(timely="yes"),
        count_label="事前备案",
        total_label="举办讲座论坛",
        description="期内举办的讲座论坛中举办前已批准（备案）的比例",
    ),
]
