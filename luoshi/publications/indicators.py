"""信息发布 100% 三审: published items of the period with 初审, 复审 and 终审 all signed."""

from urllib.parse import urlencode

from django.urls import reverse

from luoshi.core.indicators import Measure, records, register
from luoshi.publications.models import Publication
from luoshi.publications.selectors import fully_reviewed, published_between


@register("review_coverage", "信息发布三审覆盖率")
def review_coverage(params, *, user, unit, subtree, start, end) -> Measure:
    """count: published items with all three review steps; total: published items;
    ``url`` lists exactly the counted items."""
    items = records(Publication.objects.all(), user=user, unit=unit, subtree=subtree)
    published = published_between(items, start, end)
    query = {
        "unit": unit.pk,
        "unit_scope": "subtree" if subtree else "own",
        "status": "published",
        "date_from": start.isoformat(),
        "date_to": end.isoformat(),
        "coverage": "full",
    }
    return Measure(
        count=fully_reviewed(published).count(),
        total=published.count(),
        url=f"{reverse('publications:list')}?{urlencode(query)}",
    )
