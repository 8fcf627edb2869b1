"""信息发布 100% 三审 (registered in PublicationsConfig.ready)."""

from django.contrib.contenttypes.models import ContentType
from django.db.models import Q

from luoshi.core.metrics import Metric, fixed, moments_between, period_filters
from luoshi.core.rollups import Source
from luoshi.publications.models import Publication, PublicationStatus
from luoshi.publications.selectors import full_review


def _published(params):
    return Publication.objects.filter(status=PublicationStatus.PUBLISHED)


def _fully_reviewed(start=None, end=None) -> Q:
    return full_review()  # whenever reviewed: the period is that of publishing


def _publication_of_step(step) -> dict | None:
    """A review step (taken by the workflow, or imported from a data package) changes
    whether its publication counts as fully reviewed."""
    if step.content_type_id != ContentType.objects.get_for_model(Publication).pk:
        return None
    return {"pk": step.object_id}


PUBLICATIONS_ROLLUP = Source(
    key="publications",
    records=lambda: _published({}),
    date="published_at",
    counted=_fully_reviewed,
    watch=(("publications.Publication", None), ("core.WorkflowStep", _publication_of_step)),
)

METRICS = [
    Metric(
        key="review_coverage",
        label="三审覆盖率",
        measure_word="条",
        records=_published,
        in_period=moments_between("published_at"),
        counted=_fully_reviewed,
        rollup=PUBLICATIONS_ROLLUP,
        list_url="publications:list",
        filters=period_filters("date_from", "date_to", status="published"),
        count_filters=fixed(coverage="full"),
        count_label="经三审发布",
        total_label="发布信息",
        description="期内发布的信息中初审、复审、终审均已签的比例",
    ),
]
