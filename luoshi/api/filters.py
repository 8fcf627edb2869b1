"""One filter set for every API list: unit (with ``subtree``), type fields and period.

``unit`` filters by the record's unit through the model's ``scope_spec`` (the same path
the scope uses), so it works for every unit-owned model and for units themselves.
Filtering never widens what a user sees: the queryset is already ``for_user``.
"""

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from luoshi.units.models import Unit

MAX_ID = 2**63 - 1


class IntegerFilter(django_filters.NumberFilter):
    field_class = forms.IntegerField


class ScopedFilterSet(django_filters.FilterSet):
    unit = IntegerFilter(label=_("单位 ID"), method="filter_unit", min_value=1, max_value=MAX_ID)
    subtree = django_filters.BooleanFilter(
        label=_("含下级单位（与 unit 同用）"), method="filter_nothing"
    )

    def filter_unit(self, queryset, name, value):
        spec = queryset.model.scope_spec
        if self.form.cleaned_data.get("subtree"):
            path = Unit.objects.filter(pk=value).values_list("path", flat=True).first()
            if path is None:
                return queryset.none()
            return queryset.filter(**{spec.field("path__startswith"): path})
        return queryset.filter(**{spec.field("pk"): value})

    def filter_nothing(self, queryset, name, value):  # read by filter_unit
        return queryset


def filterset_for(model, *, date_field: str | None = None, fields=()):
    """A ``ScopedFilterSet`` for ``model``: ``fields`` are exact-match type/status fields;
    ``date_field`` adds ``year``, ``date_from`` and ``date_to`` on that date(time) field."""
    attrs = {"Meta": type("Meta", (), {"model": model, "fields": list(fields)})}
    if date_field:
        lookup = date_field
        if model._meta.get_field(date_field).get_internal_type() == "DateTimeField":
            lookup = f"{date_field}__date"
        attrs["year"] = IntegerFilter(
            label=_("年度"),
            field_name=date_field,
            lookup_expr="year",
            min_value=1900,
            max_value=2999,
        )
        attrs["date_from"] = django_filters.DateFilter(
            label=_("开始日期"), field_name=lookup, lookup_expr="gte"
        )
        attrs["date_to"] = django_filters.DateFilter(
            label=_("结束日期"), field_name=lookup, lookup_expr="lte"
        )
    return type(f"{model.__name__}ApiFilter", (ScopedFilterSet,), attrs)
