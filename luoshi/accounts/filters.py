import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from luoshi.accounts.models import Position, ResponsibilityPosition, Role, User
from luoshi.core.filters import ScopedFilterSet, UnitFilter, YearFilter
from luoshi.units.models import Unit


class ScopedUnitFilterSet(ScopedFilterSet):
    unit = UnitFilter(
        label=_("单位（含下级）"), queryset=Unit.objects.none(), method="filter_subtree"
    )

    def filter_subtree(self, queryset, name, value):
        return queryset.in_subtree(value)


class UserFilter(ScopedUnitFilterSet):
    q = django_filters.CharFilter(label=_("姓名/用户名"), method="filter_keyword")
    role = django_filters.ModelChoiceFilter(
        label=_("角色"), queryset=Role.objects.all(), field_name="groups"
    )

    class Meta:
        model = User
        fields = []

    def filter_keyword(self, queryset, name, value):
        return queryset.filter(Q(username__icontains=value) | Q(full_name__icontains=value))


class PositionFilter(ScopedUnitFilterSet):
    year = YearFilter()
    position = django_filters.ChoiceFilter(label=_("责任岗位"), choices=Position.choices)

    class Meta:
        model = ResponsibilityPosition
        fields = []
