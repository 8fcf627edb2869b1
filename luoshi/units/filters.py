import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from luoshi.units.models import Unit, UnitType


class UnitFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("名称/编码"), method="filter_keyword")
    unit_type = django_filters.ModelChoiceFilter(
        label=_("单位类型"), queryset=UnitType.objects.all()
    )
    is_active = django_filters.BooleanFilter(label=_("启用"))

    class Meta:
        model = Unit
        fields = []

    def __init__(self, *args, request=None, **kwargs):
        super().__init__(*args, **kwargs)

    def filter_keyword(self, queryset, name, value):
        return queryset.filter(
            Q(name__icontains=value) | Q(short_name__icontains=value) | Q(code__icontains=value)
        )
