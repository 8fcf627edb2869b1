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
                self.fields[name].queryset = Unit.objects.for_user(user).filter(is_active=True)
                if not self.instance.pk and user is not None and user.unit_id:
                    self.fields[name].initial = user.unit_id


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
