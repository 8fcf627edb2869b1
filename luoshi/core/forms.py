from django import forms
from django.utils.translation import gettext_lazy as _


class UserFormMixin:
    """Forms built by the scoped views receive the acting user and limit choices to scope."""

    scoped_fields: tuple[str, ...] = ("unit",)

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        from luoshi.units.models import Unit

        for name in self.scoped_fields:
            if name in self.fields:
                field = self.fields[name]
                field.queryset = Unit.objects.for_user(user).filter(is_active=True).order_by("path")
                field.label_from_instance = unit_tree_label
                if not self.instance.pk and user is not None and user.unit_id:
                    self.fields[name].initial = user.unit_id


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
        top = min((u.depth for u in units if u is not None), default=1)
        for option, unit in zip(options, units, strict=True):
            option["indent"] = min(unit.depth - top, 6) if unit is not None else 0
        context["widget"]["tree"] = options
        return context


def unit_tree(field) -> None:
    """Make a unit multiple-choice field an indented tree, ordered as the tree is."""
    field.queryset = field.queryset.order_by("path")
    field.widget = UnitTreeSelect(choices=field.choices)


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


def guard_model_choice_overflow() -> None:
    """A posted choice id beyond the database's integer range (e.g. 99999999999999999999)
    makes ``ModelChoiceField`` crash with OverflowError (SQLite) or DataError (PostgreSQL)
    — a 500 instead of "invalid choice". Django catches only ValueError/TypeError there, so
    every ModelChoiceField / ModelMultipleChoiceField refuses such ids first (found by
    tests/test_form_fuzz.py)."""
    from django import forms as django_forms

    limit = 2**63 - 1
    original = django_forms.ModelChoiceField.to_python
    if getattr(original, "_luoshi_guarded", False):
        return

    def out_of_range(value) -> bool:
        text = str(value).strip()
        return text.lstrip("-").isdigit() and abs(int(text)) > limit

    def to_python(self, value):
        if value not in self.empty_values and out_of_range(value):
            raise django_forms.ValidationError(
                self.error_messages["invalid_choice"], code="invalid_choice"
            )
        return original(self, value)

    to_python._luoshi_guarded = True
    django_forms.ModelChoiceField.to_python = to_python

    multiple_check = django_forms.ModelMultipleChoiceField._check_values

    def _check_values(self, value):
        for item in value or ():
            if out_of_range(item):
                raise django_forms.ValidationError(
                    self.error_messages["invalid_pk_value"],
                    code="invalid_pk_value",
                    params={"pk": str(item)[:30]},
                )
        return multiple_check(self, value)

    django_forms.ModelMultipleChoiceField._check_values = _check_values
