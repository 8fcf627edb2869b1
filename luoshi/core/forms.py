import functools
from collections.abc import Iterable

from django import forms
from django.utils.translation import gettext_lazy as _

ID_LIMIT = 2**63 - 1  # the largest primary key the databases can store


def _out_of_range(value) -> bool:
    text = str(value).strip().lstrip("-")
    # isdecimal, not isdigit: 「²」 is a digit that int() refuses (a ValueError, a 500)
    return text.isdecimal() and int(text) > ID_LIMIT


class IdRangeGuard:
    """Refuses a posted id beyond the databases' integer range as an invalid choice.

    Django checks the range only for plain integer keys; through a related key (a role's
    ``group_ptr``) or an ``__in`` lookup (the multiple field) such an id crashes with
    OverflowError (SQLite) or DataError (PostgreSQL): a 500 instead of a form error
    (found by tests/test_form_fuzz.py)."""

    def to_python(self, value):
        if value not in self.empty_values and _out_of_range(value):
            raise forms.ValidationError(
                self.error_messages["invalid_choice"], code="invalid_choice"
            )
        return super().to_python(value)


class MultipleIdRangeGuard:
    """As ``IdRangeGuard``, for each of the posted ids of a multiple choice."""

    def _check_values(self, value):
        for item in value or ():
            if _out_of_range(item):
                raise forms.ValidationError(
                    self.error_messages["invalid_pk_value"],
                    code="invalid_pk_value",
                    params={"pk": str(item)[:30]},
                )
        return super()._check_values(value)


class ModelChoiceField(IdRangeGuard, forms.ModelChoiceField):
    pass


class ModelMultipleChoiceField(MultipleIdRangeGuard, forms.ModelMultipleChoiceField):
    pass


@functools.cache
def _guarded(field_class: type, guard: type) -> type:
    return type(field_class.__name__, (guard, field_class), {})


class ChoiceIdsInRangeMixin:
    """Every model choice of the form (declared, made by ``ModelForm`` from a foreign key or
    many-to-many field, or by a list filter) refuses ids out of range. Only this form's own
    field instances get the guard (a subclass of their own class that adds no state);
    Django's classes stay as they are."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        guard_choice_ids(self.fields.values())


def guard_choice_ids(fields: Iterable[forms.Field]) -> None:
    """``ChoiceIdsInRangeMixin`` on the given field instances."""
    for field in fields:
        guard: type
        if isinstance(field, forms.ModelMultipleChoiceField):
            guard = MultipleIdRangeGuard
        elif isinstance(field, forms.ModelChoiceField):
            guard = IdRangeGuard
        else:
            continue
        if not isinstance(field, guard):
            field_class: type = type(field)
            field.__class__ = _guarded(field_class, guard)


class UserFormMixin(ChoiceIdsInRangeMixin):
    """Forms built by the scoped views receive the acting user and limit choices to scope."""

    scoped_fields: tuple[str, ...] = ("unit",)

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        for name in self.scoped_fields:
            if name in self.fields:
                field = self.fields[name]
                units = field.queryset.model.objects  # the unit model's manager
                field.queryset = units.for_user(user).filter(is_active=True).order_by("path")
                field.label_from_instance = unit_tree_label
                if not self.instance.pk and user is not None and user.unit_id:
                    self.fields[name].initial = user.unit_id
                if not self.instance.pk:
                    preselect_single(field)


def preselect_single(field) -> None:
    """A unit picker with only one possible choice comes with it chosen (a single select
    without the empty line; a tree with its one box ticked)."""
    only = list(field.queryset.values_list("pk", flat=True)[:2])
    if len(only) != 1:
        return
    if isinstance(field, forms.ModelMultipleChoiceField):
        field.initial = only
    else:
        field.initial = only[0]
        if field.required:
            field.empty_label = None


def unit_tree_label(unit) -> str:
    """A unit's name indented by its depth (full-width spaces), for single unit pickers."""
    return "\u3000" * max(unit.depth - 1, 0) + unit.name


class UnitTreeSelect(forms.SelectMultiple):
    """Several units picked from an indented tree with a search box and 全选/清空, instead of a
    Ctrl-click list. Posts the same list of ids as a multiple select."""

    template_name = "core/widgets/unit_tree.html"

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        options = [o for _, group, _ in context["widget"]["optgroups"] for o in group]
        units = [getattr(o["value"], "instance", None) for o in options]
        listed = {u.path for u in units if u is not None}
        top = min((u.depth for u in units if u is not None), default=1)
        orphans = {}  # below the top, its parent not listed: shown with its parent's name
        for option, unit in zip(options, units, strict=True):
            # indented under the listed units above it only, so that a unit whose parent is
            # not a choice (the issuer's own sub-offices) never looks like another's child
            above = [p for p in unit.lineage_paths[:-1] if p in listed] if unit else []
            option["indent"] = min(len(above), 6)
            if unit is not None and unit.depth > top and not above:
                orphans.setdefault(unit.lineage_paths[-2], []).append(option)
        if orphans:
            model = type(next(u for u in units if u is not None))
            for path, parent in model._default_manager.filter(path__in=orphans).values_list(
                "path", "name"
            ):
                for option in orphans[path]:
                    option["context"] = parent
        context["widget"]["tree"] = options
        return context


def unit_tree(field) -> None:
    """Make a unit multiple-choice field an indented tree, ordered as the tree is (its one
    unit ticked when there is only one)."""
    field.queryset = field.queryset.order_by("path")
    field.widget = UnitTreeSelect(choices=field.choices)
    preselect_single(field)


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class YearField(forms.IntegerField):
    def __init__(self, **kwargs):
        kwargs.setdefault("min_value", 2000)
        kwargs.setdefault("max_value", 2100)
        kwargs.setdefault("label", _("年度"))
        super().__init__(**kwargs)


EXCEL_MAX_UPLOAD_BYTES = 10 * 1024 * 1024


class ExcelFileField(forms.FileField):
    """An import's Excel file: an .xlsx of at most 10 MB (``EXCEL_MAX_UPLOAD_BYTES``)."""

    def __init__(self, *, help_text, **kwargs):
        kwargs.setdefault("widget", forms.ClearableFileInput(attrs={"accept": ".xlsx"}))
        super().__init__(label=_("Excel 文件"), help_text=help_text, **kwargs)

    def clean(self, data, initial=None):
        uploaded = super().clean(data, initial)
        if uploaded and uploaded.size > EXCEL_MAX_UPLOAD_BYTES:
            raise forms.ValidationError(_("文件不能超过 10 MB"))
        return uploaded
