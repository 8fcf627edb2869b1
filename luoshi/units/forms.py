from django import forms
from django.utils.translation import gettext_lazy as _

from luoshi.units.models import Unit, UnitYearStat


class UnitForm(forms.ModelForm):
    parent = forms.ModelChoiceField(
        label=_("上级单位"), queryset=Unit.objects.none(), required=False
    )

    class Meta:
        model = Unit
        fields = [
            "parent",
            "name",
            "short_name",
            "code",
            "unit_type",
            "order",
            "traditional_variant",
        ]

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        # 繁体用字: optional on the form (a form that leaves it out keeps the default s2tw)
        self.fields["traditional_variant"].required = False
        self.fields["parent"].queryset = Unit.objects.for_user(user).filter(is_active=True)
        if self.instance.pk:
            del self.fields["parent"]
        else:
            self.fields["parent"].required = not user.is_superuser
            self.fields["parent"].help_text = _("只能在本人数据范围内的单位下新建")
            if user.unit_id:
                self.fields["parent"].initial = user.unit_id

    def clean_traditional_variant(self) -> str:
        return (
            self.cleaned_data.get("traditional_variant")
            or self.instance.traditional_variant
            or "s2tw"
        )


class UnitMoveForm(forms.Form):
    new_parent = forms.ModelChoiceField(
        label=_("移动到（新的上级单位）"), queryset=Unit.objects.none()
    )

    def __init__(self, *args, unit, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.unit = unit
        self.fields["new_parent"].queryset = (
            Unit.objects.for_user(user).filter(is_active=True).exclude(path__startswith=unit.path)
        )


class UnitYearStatForm(forms.ModelForm):
    class Meta:
        model = UnitYearStat
        fields = ["year", "party_members"]
