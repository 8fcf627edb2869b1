from django import forms
from django.utils.translation import gettext_lazy as _

from luoshi.core.authority import BusinessLine, Guidance
from luoshi.core.forms import ChoiceIdsInRangeMixin, unit_tree, unit_tree_label
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


class GuidanceForm(ChoiceIdsInRangeMixin, forms.ModelForm):
    """业务指导范围: which unit (or role in it) directs which units, along which lines."""

    class Meta:
        model = Guidance
        fields = ["unit", "capacity", "role", "lines", "units", "with_subordinates"]
        widgets = {"lines": forms.CheckboxSelectMultiple}

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        active = Unit.objects.filter(is_active=True).order_by("path")
        self.fields["unit"].queryset = active
        self.fields["unit"].label_from_instance = unit_tree_label
        self.fields["lines"].queryset = BusinessLine.objects.filter(is_active=True)
        self.fields["lines"].help_text = _("在所选业务中向被指导单位下发、查阅其报送并审核")
        self.fields["units"].queryset = active
        self.fields["units"].help_text = _(
            "指导不等于管辖：不能修改被指导单位自己的台账等记录，也看不到与所选业务无关的记录。"
        )
        unit_tree(self.fields["units"])

    def clean(self):
        cleaned = super().clean()
        unit, units = cleaned.get("unit"), cleaned.get("units") or []
        if unit is not None and any(u.pk == unit.pk for u in units):
            self.add_error("units", _("被指导单位不能包含指导单位本身。"))
        return cleaned
