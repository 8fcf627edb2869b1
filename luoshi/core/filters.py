"""The filter forms of every list page, and the query parameters pages read by hand.

``ScopedFilterSet`` is the base of every list page's filter set. It limits the choices of
every ``UnitFilter`` to the user's data scope, so a unit outside it is an invalid choice:
ignored by the list, never shown as the selected option. Values that do not validate (a
unit ``x``, a year ``99999999999999999999``, a date ``2026-13-40``) drop out of the
filter: the list shows as if they were not given, never a 500.

``UnitFilter`` validates against the whole queryset it is given (the user's data scope),
but lists only the top two levels of that scope in its drop-down (plus the unit
currently selected), in tree order, and renders the options without a template per
option. A deeper unit is still reachable: pick it from its own pages' links
(``?unit=<id>``) or choose its parent with “含下级”.

Pages that read a parameter themselves (dashboard, heat map, summary, calendar) go
through ``parse_id``, ``unit_from_query`` and ``year_month_from_query``.
"""

import datetime
import functools

import django_filters
from django import forms
from django.apps import apps
from django.db.models import Q, Subquery
from django.forms.models import ModelChoiceIterator
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from luoshi.core.dates import on_local_days
from luoshi.core.forms import DateInput, IdRangeGuard, YearField, guard_choice_ids
from luoshi.core.scope import UNIT

LEVELS_LISTED = 2
MAX_ID = 2**63 - 1  # the largest id a database row can have


def parse_id(value) -> int | None:
    """``value`` as a database id, or None when it cannot be one (junk, sign, too large)."""
    text = str(value).strip() if value is not None else ""
    if not text.isascii() or not text.isdigit():
        return None
    number = int(text)
    return number if 0 < number <= MAX_ID else None


def unit_from_query(units, value):
    """The unit ``?unit=<value>`` names among ``units`` (the user's scope); None when no unit
    is given or the value cannot be an id (ignored); 404 for a unit outside ``units``."""
    if value in (None, ""):
        return None
    pk = parse_id(value)
    if pk is None:
        return None
    unit = units.filter(pk=pk).first()
    if unit is None:
        raise Http404
    return unit


def unit_or_own(units, user, value):
    """The unit ``?unit=<value>`` names among ``units`` (404 outside them, as
    ``unit_from_query``); none named: the user's own unit when among ``units``, else the top
    of ``units``; None when ``units`` is empty."""
    unit = unit_from_query(units, value)
    if unit is None:
        own = units.filter(pk=user.unit_id).first() if user.unit_id else None
        unit = own or units.order_by("path").first()
    return unit


def year_month_from_query(query, today: datetime.date) -> datetime.date:
    """The first day of the month ``?year=&month=`` names; this month for anything else."""
    year = _clean(YearField(required=False), query.get("year")) or today.year
    month = _clean(forms.IntegerField(min_value=1, max_value=12), query.get("month"))
    return datetime.date(year, month or today.month, 1)


def _clean(field, value):
    try:
        return field.clean(value)
    except forms.ValidationError:
        return None


class UnitChoiceIterator(ModelChoiceIterator):
    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        queryset = self.queryset.order_by()
        top = queryset.order_by("depth").values("depth")[:1]
        shown = self.queryset.filter(depth__lt=Subquery(top) + LEVELS_LISTED).order_by("path")
        units = list(shown.only("pk", "name", "depth", "path"))
        base = min((u.depth for u in units), default=1)
        for unit in units:
            yield (self.choice(unit)[0], "\u3000" * (unit.depth - base) + unit.name)


class UnitSelect(forms.Select):
    """The unit drop-down: its listed options (the top of the user's scope), plus the unit
    selected when it is deeper (chosen through a link), named only if it is in the field's
    own queryset (the user's scope): an id outside it is never named on the page. Written
    by the project's form renderer (``core.form_rendering``) like every ``<select>``."""

    def optgroups(self, name, value, attrs=None):
        groups = super().optgroups(name, value, attrs)
        listed = {str(option["value"]) for _g, options, _i in groups for option in options}
        missing = {parse_id(v) for v in value if str(v) not in listed} - {None}
        if missing:
            deeper = self.choices.queryset.filter(pk__in=missing).values_list("pk", "name")
            for pk, label in deeper:
                option = self.create_option(name, pk, label, True, len(groups), attrs=attrs)
                groups.append((None, [option], len(groups)))
        return groups


class UnitChoiceField(IdRangeGuard, django_filters.fields.ModelChoiceField):
    iterator = UnitChoiceIterator
    widget = UnitSelect


class UnitFilter(django_filters.ModelChoiceFilter):
    """A unit of the user's scope (set by ``ScopedFilterSet``; declare it with
    ``queryset=Unit.objects.none()``, or without a queryset for the unit tree's model)."""

    field_class = UnitChoiceField


class SubtreeUnitFilter(UnitFilter):
    """A unit of the user's scope and every unit below it (the queryset's ``in_subtree``)."""

    def filter(self, qs, value):
        if value in django_filters.constants.EMPTY_VALUES:
            return qs
        return qs.in_subtree(value, by_units=True)


class YearFilter(django_filters.NumberFilter):
    """A year (2000–2100, like every year field); anything else is ignored."""

    field_class = YearField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label", YearField().label)
        super().__init__(*args, **kwargs)


class KeywordFilter(django_filters.CharFilter):
    """「关键词」: the records where any of ``fields`` contains the text (case-insensitive).
    ``distinct`` for fields across a to-many relation (a record once, not once a match)."""

    def __init__(self, *fields: str, distinct: bool = False, **kwargs):
        kwargs.setdefault("label", _("关键词"))
        super().__init__(distinct=distinct, **kwargs)
        self.fields = fields

    def filter(self, qs, value):
        if value in django_filters.constants.EMPTY_VALUES:
            return qs
        condition = Q()
        for name in self.fields:
            condition |= Q(**{f"{name}__icontains": value})
        qs = qs.filter(condition)
        return qs.distinct() if self.distinct else qs


def date_range(field_name: str | None, label_from, label_to, *, local_days: bool = False):
    """The two date filters of a period on ``field_name`` (from, to; both days included),
    unpacked in a filter set: ``deadline_from, deadline_to = date_range("deadline", …)``.
    ``local_days`` for a date-time field: the days are local days (``on_local_days``).
    ``field_name`` None: the filter set reads both dates itself (in ``filter_queryset``)."""
    if field_name is None:
        return (
            django_filters.DateFilter(
                label=label_from, method="filter_nothing", widget=DateInput()
            ),
            django_filters.DateFilter(label=label_to, method="filter_nothing", widget=DateInput()),
        )
    if local_days:
        return (
            LocalDayFilter(label=label_from, field_name=field_name, side="start"),
            LocalDayFilter(label=label_to, field_name=field_name, side="end"),
        )
    return (
        django_filters.DateFilter(
            label=label_from, field_name=field_name, lookup_expr="gte", widget=DateInput()
        ),
        django_filters.DateFilter(
            label=label_to, field_name=field_name, lookup_expr="lte", widget=DateInput()
        ),
    )


class LocalDayFilter(django_filters.DateFilter):
    """A date-time field from (``side="start"``) or up to (``"end"``) a local day."""

    def __init__(self, *, side: str, **kwargs):
        kwargs.setdefault("widget", DateInput())
        super().__init__(**kwargs)
        self.side = side

    def filter(self, qs, value):
        if value in django_filters.constants.EMPTY_VALUES:
            return qs
        return qs.filter(on_local_days(self.field_name, **{self.side: value}))


class ScopedFilterSet(django_filters.FilterSet):
    """The base of every list page's filter set (``ScopedListView.filterset_class``): unit
    choices within the user's scope, every model choice refusing what cannot be an id."""

    def __init__(self, data=None, queryset=None, *, request=None, prefix=None):
        super().__init__(data, queryset, request=request, prefix=prefix)
        user = getattr(request, "user", None)
        for flt in self.filters.values():  # this instance's copies of the declared filters
            if isinstance(flt, UnitFilter):
                model = flt.queryset.model if flt.queryset is not None else apps.get_model(UNIT)
                units = model.objects
                flt.queryset = units.for_user(user) if user is not None else units.none()

    @property
    def form(self):
        """The filter form, made without django-filter's new form class per request and
        deep copy of every field: this filter set's own filters made its fields (one set
        per filter set), so the form takes them as they are. It refuses out-of-range ids in
        every model choice (``?role=9999…`` is an invalid choice, not a database error), as
        every other form does."""
        if not hasattr(self, "_form"):
            form = self._meta.form(self.data if self.is_bound else None, prefix=self.form_prefix)
            form.fields = {**form.fields, **{n: f.field for n, f in self.filters.items()}}
            guard_choice_ids(form.fields.values())
            self._form = form
        return self._form

    def filter_nothing(self, queryset, name, value):
        """For filters read elsewhere (``unit_scope`` by ``filter_subtree``, dates by a
        ``filter_queryset``): they filter nothing themselves."""
        return queryset


def picker(func, *args) -> forms.Select:
    """A drop-down whose options are ``func(*args)``, read when the form is rendered (once per
    filter set), not when the filter set is made: a list query (a figure's link counted, an
    export) never reads them."""
    options = functools.cache(functools.partial(func, *args))
    return forms.Select(choices=options)  # type: ignore[arg-type]  # callable: lazy (Django 5+)


UNIT_SCOPE_CHOICES = [("subtree", _("含下级")), ("own", _("仅本单位"))]


class UnitSubtreeFilterSet(ScopedFilterSet):
    """A list of records of a unit: ``unit`` with 「范围」 ``unit_scope`` 含下级 (its subtree,
    the default) or 仅本单位. ``unit_label`` names the unit on the form (单位 unless set).
    The records are the unit's where the queryset places them (``ScopedQuerySet.placement``:
    their scope's unit, e.g. a score's assessing unit, or the unit ``seen_from`` names)."""

    unit_label = _("单位")
    unit = UnitFilter(label=_("单位"), method="filter_subtree")
    unit_scope = django_filters.ChoiceFilter(
        label=_("范围"), choices=UNIT_SCOPE_CHOICES, method="filter_nothing", empty_label=None
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["unit"].label = self.unit_label

    def filter_subtree(self, queryset, name, value):
        if self.form.cleaned_data.get("unit_scope") == "own":
            return queryset.filter(**{queryset.placement.field("pk"): value.pk})
        return queryset.in_subtree(value, by_units=True)


class YesNoWidget(django_filters.widgets.BooleanWidget):
    """「全部 / 是 / 否」, the words admin users know (django-filter says 未知/是/否)."""

    def __init__(self, attrs=None):
        super().__init__(attrs)
        self.choices = (("", _("全部")), ("true", _("是")), ("false", _("否")))


class YesNoFilter(django_filters.BooleanFilter):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", YesNoWidget())
        super().__init__(*args, **kwargs)


__all__ = [
    "KeywordFilter",
    "LocalDayFilter",
    "date_range",
    "ScopedFilterSet",
    "SubtreeUnitFilter",
    "UnitSubtreeFilterSet",
    "UnitFilter",
    "YearFilter",
    "YesNoFilter",
    "parse_id",
    "picker",
    "unit_from_query",
    "unit_or_own",
    "year_month_from_query",
]
