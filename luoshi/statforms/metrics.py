"""Metrics of 统计报表: the accepted figures of the forms (registered in StatformsConfig.ready).

A form field with a 统计指标编码 (``figure``) is read as ``statform_figure`` with
``params={"figure": code}`` — the sum, over the units and periods asked, of the accepted
values — and a rate as ``statform_rate`` with ``{"figure": numerator, "of": denominator}``:
the sum of the numerator over the sum of the denominator (never an average of percentages).
A value belongs to the period its form task's 统计期 ends in; only the values of accepted
submissions count; each number opens the list of the values it sums, each linking to its
submission.
"""

from django.db.models import Case, CharField, Q, Value, When

from luoshi.core.metrics import Metric, dates_between


def _figures(params):
    from luoshi.statforms.models import FigureValue  # models load after the metric registry

    values = FigureValue.objects.filter(submission__assignment__status="accepted")
    numerator, denominator = params.get("figure", ""), params.get("of", "")
    wanted = [code for code in (numerator, denominator) if code]
    # Every queryset carries ``role`` (the rate's counted/total split), even with no figure
    # asked: the metric layer filters on it whatever the parameters.
    role = Case(
        When(figure=numerator, then=Value("count")),
        default=Value("total"),
        output_field=CharField(),
    )
    if numerator == denominator:
        role = Value("count", output_field=CharField())
    return values.filter(figure__in=wanted).annotate(role=role)


def _filters(params, start, end) -> dict:
    return {
        "figure": params.get("of") or params.get("figure", ""),
        "period_from": start.isoformat(),
        "period_to": end.isoformat(),
    }


def _count_filters(params, start, end) -> dict:
    return {"figure": params.get("figure", "")}


METRICS = [
    Metric(
        key="statform_figure",
        label="统计表数值",
        measure_word="",
        records=_figures,
        in_period=dates_between("period_end"),
        list_url="statforms:figures",
        filters=_filters,
        summed="number",
        description="统计期在期内、已采纳的统计表中该统计指标的数值之和",
    ),
    Metric(
        key="statform_rate",
        label="统计表比率",
        measure_word="",
        records=_figures,
        in_period=dates_between("period_end"),
        counted=lambda start, end: Q(role="count"),
        total_counted=lambda start, end: Q(role="total"),
        list_url="statforms:figures",
        filters=_filters,
        count_filters=_count_filters,
        summed="number",
        count_label="分子之和",
        total_label="分母之和",
        description="统计期在期内、已采纳的统计表中分子指标之和除以分母指标之和",
    ),
]
