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
