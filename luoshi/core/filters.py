"""The unit picker of every list page's filter form, fit for a 20,000-unit tree.

``UnitFilter`` validates against the whole queryset it is given (the user's data scope),
but lists only the top two levels of that scope in its drop-down (plus the unit
currently selected), in tree order, and renders the options without a template per
option. A deeper unit is still reachable: pick it from its own pages' links
(``?unit=<id>``) or choose its parent with “含下级”.
"""

from html import escape

import django_filters
from django import forms
from django.db.models import Subquery
from django.forms.models import ModelChoiceIterator
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

LEVELS_LISTED = 2


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


class FastSelect(forms.Select):
    """``<select>`` rendered in Python: hundreds of options without a template each."""

    def render(self, name, value, attrs=None, renderer=None):
        selected = {str(v) for v in self.format_value(value)}
        options = [(str(v), str(label)) for v, label in self.choices]
        known = {v for v, _ in options}
        missing = [v for v in selected if v and v not in known]
        if missing:  # a deeper unit chosen through a link: show it too
            model = self.choices.queryset.model
            options += [
                (str(pk), name)
                for pk, name in model.objects.filter(pk__in=missing).values_list("pk", "name")
            ]
        final = self.build_attrs(self.attrs, {**(attrs or {}), "name": name})
        body = "".join(
            f'<option value="{escape(v)}"{" selected" if v in selected else ""}>'
            f"{escape(label)}</option>"
            for v, label in options
        )
        return mark_safe(f"<select{forms.utils.flatatt(final)}>{body}</select>")  # noqa: S308


class UnitChoiceField(django_filters.fields.ModelChoiceField):
    iterator = UnitChoiceIterator
    widget = FastSelect


class UnitFilter(django_filters.ModelChoiceFilter):
    field_class = UnitChoiceField


__all__ = ["UnitFilter"]


class YesNoWidget(django_filters.widgets.BooleanWidget):
    """「全部 / 是 / 否」, the words admin users know (django-filter says 未知/是/否)."""

    def __init__(self, attrs=None):
        super().__init__(attrs)
        self.choices = (("", _("全部")), ("true", _("是")), ("false", _("否")))


class YesNoFilter(django_filters.BooleanFilter):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", YesNoWidget())
        super().__init__(*args, **kwargs)
