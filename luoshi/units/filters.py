import django_filters
from django.utils.translation import gettext_lazy as _

from luoshi.core.filters import KeywordFilter, ScopedFilterSet
from luoshi.core.filters import UnitFilter as UnitChoiceFilter
from luoshi.units.models import Unit, UnitType


class UnitFilter(ScopedFilterSet):
    q = KeywordFilter("name", "short_name", "code", label=_("名称/编码"))
    unit_type = django_filters.ModelChoiceFilter(
        label=_("单位类型"), queryset=UnitType.objects.all()
    )
    is_active = django_filters.ChoiceFilter(
        label=_("状态"), choices=[("1", _("启用")), ("0", _("停用"))], method="filter_active"
    )
    below = UnitChoiceFilter(label=_("所属于"), method="filter_below")

    class Meta:
        model = Unit
        fields = []

    def filter_active(self, queryset, name, value):
        return queryset.filter(is_active=(value == "1"))

    def filter_below(self, queryset, name, value):
        """The units under ``value`` at every level, not ``value`` itself (所属单位)."""
        return queryset.filter(path__startswith=value.path).exclude(pk=value.pk)
