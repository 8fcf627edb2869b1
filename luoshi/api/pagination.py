from django.conf import settings
from rest_framework.pagination import CursorPagination
from rest_framework.response import Response


class IdCursorPagination(CursorPagination):
    """Cursor pagination on the primary key (newest first): stable under inserts.

    ``count`` is the number of rows the filters select, counted up to LIST_COUNT_CAP like
    the list pages (``count_capped`` says there are more): one COUNT per page."""

    ordering = "-id"
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200

    def paginate_queryset(self, queryset, request, view=None):
        cap = settings.LIST_COUNT_CAP
        counted = queryset.order_by().values("pk")[: cap + 1].count()
        self.count, self.count_capped = min(counted, cap), counted > cap
        return super().paginate_queryset(queryset, request, view)

    def get_paginated_response(self, data):
        return Response(
            {
                "count": self.count,
                "count_capped": self.count_capped,
                "next": self.get_next_link(),
                "previous": self.get_previous_link(),
                "results": data,
            }
        )

    def get_paginated_response_schema(self, schema):
        response = super().get_paginated_response_schema(schema)
        response["properties"] = {
            "count": {"type": "integer", "example": 123},
            "count_capped": {"type": "boolean"},
            **response["properties"],
        }
        return response
