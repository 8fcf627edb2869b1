import django_filters
from django.utils.translation import gettext_lazy as _

from luoshi.assessment.models import Assessment, AssessmentScore, ScoreSource, source_q
from luoshi.core.filters import UnitFilter, UnitSubtreeFilterSet, YearFilter
from luoshi.units.models import Unit


class ScoreFilter(UnitSubtreeFilterSet):
    """The 考核得分 list: ``unit`` is the assessing unit (with 含下级), ``target`` the unit
    assessed, ``source`` how a score was given (待手工评分: the 待评分 figure's list)."""

    unit_label = _("考核单位")
    assessment = django_filters.ModelChoiceFilter(
        label=_("考核"), queryset=Assessment.objects.none()
    )
    target = UnitFilter(label=_("被考核单位"), queryset=Unit.objects.none(), field_name="unit")
    source = django_filters.ChoiceFilter(
        label=_("计分方式"), choices=ScoreSource.choices, method="filter_source"
    )
    year_from = YearFilter(label=_("年度从"), field_name="assessment__year", lookup_expr="gte")
    year_to = YearFilter(label=_("年度到"), field_name="assessment__year", lookup_expr="lte")

    class Meta:
        model = AssessmentScore
        fields = []

    def __init__(self, *args, request=None, **kwargs):
        super().__init__(*args, request=request, **kwargs)
        assessments = Assessment.objects.for_user(request.user)
        self.filters["assessment"].queryset = assessments
        targets = Assessment.targets.through.objects.filter(assessment__in=assessments)
        in_scope = self.filters["target"].queryset  # the user's units (ScopedFilterSet)
        self.filters["target"].queryset = in_scope.filter(pk__in=targets.values("unit_id"))

    def filter_source(self, queryset, name, value):
        return queryset.filter(source_q(value))
