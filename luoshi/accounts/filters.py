import django_filters
from django.utils.translation import gettext_lazy as _

from luoshi.accounts.models import Position, ResponsibilityPosition, Role, User
from luoshi.core.filters import KeywordFilter, ScopedFilterSet, SubtreeUnitFilter, YearFilter
from luoshi.units.models import Unit


class ScopedUnitFilterSet(ScopedFilterSet):
    unit = SubtreeUnitFilter(label=_("单位（含下级）"), queryset=Unit.objects.none())


class UserFilter(ScopedUnitFilterSet):
    q = KeywordFilter("username", "full_name", label=_("姓名/用户名"))
    role = django_filters.ModelChoiceFilter(
        label=_("角色"), queryset=Role.objects.all(), field_name="groups"
    )

    class Meta:
        model = User
        fields = []


class PositionFilter(ScopedUnitFilterSet):
    year = YearFilter()
    position = django_filters.ChoiceFilter(label=_("责任岗位"), choices=Position.choices)

    class Meta:
        model = ResponsibilityPosition
        fields = []
