"""Metrics of 统计报表: the accepted figures of the forms (registered in StatformsConfig.ready).

A form field with a 统计指标编码 (``figure``) is read as ``statform_figure`` with
``params={"figure": code}`` — the sum, over the units and periods asked, of the accepted
values — and a rate as ``statform_rate`` with ``{"figure": numerator, "of": denominator}``:
the sum of the numerator over the sum of the denominator (never an average of percentages).
A value belongs to the period its form task's 统计期 ends in; only the values of accepted
submissions count; each number opens the list of the values it sums, each linking to its
submission.
"""

import re

from django.db.models import Case, CharField, Q, Value, When
from django.utils.translation import gettext as _

from luoshi.core.metrics import Metric, Narrow, dates_between, period_filters
from luoshi.statforms.models import FieldKind, FigureValue, FormField, VersionStatus
from luoshi.tasks.models import AssignmentStatus

RECEIVED = (AssignmentStatus.SUBMITTED, AssignmentStatus.ACCEPTED)

# Registered from StatformsConfig.ready(), once the models are loaded.

_CODE = re.compile(r"^[a-z][a-z0-9_]{0,39}$")


def _figures(params):
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


def _received(params):
    """The values of the submissions received (submitted or accepted): what a form task's
    汇总 sums."""
    return FigureValue.objects.filter(submission__assignment__status__in=RECEIVED)


# ``form_task``: of one form task; ``field_code``: of one item
RECEIVED_NARROWS = (
    Narrow("form_task", "submission__form_task_id"),
    Narrow("field_code", "field_code"),
)
_received_filters = period_filters("period_from", "period_to", status="received")


def _received_mean(amount, count):
    return round(amount / count, 2)


def _filters(params, start, end) -> dict:
    return {
        "figure": params.get("of") or params.get("figure", ""),
        "period_from": start.isoformat(),
        "period_to": end.isoformat(),
    }


def _count_filters(params, start, end) -> dict:
    return {"figure": params.get("figure", "")}


def _designated():
    """The fields of published versions that designate a figure, newest version first."""
    return (
        FormField.objects.filter(version__status=VersionStatus.PUBLISHED)
        .exclude(figure="")
        .select_related("version__form")
        .order_by("version__form__title", "-version__number", "order")
    )


def figure_choices() -> list[tuple[dict, str]]:
    """({"figure": code}, 「下载学习强国人数（意识形态工作统计表）」) of every designated figure."""
    seen: dict[str, str] = {}
    for item in _designated():
        seen.setdefault(item.figure, f"{item.title()}（{item.version.form.title}）")
    return [({"figure": code}, label) for code, label in seen.items()]


def rate_choices() -> list[tuple[dict, str]]:
    """({"figure": numerator, "of": denominator}, label) of the rates whose two fields both
    designate a figure (a rate is their sums' quotient, never an average)."""
    result: dict[tuple[str, str], str] = {}
    rates = FormField.objects.filter(
        version__status=VersionStatus.PUBLISHED, kind=FieldKind.PERCENT
    ).exclude(numerator="")
    for rate in rates.select_related("version__form"):
        figures = dict(rate.version.fields.values_list("code", "figure"))
        pair = (figures.get(rate.numerator) or "", figures.get(rate.denominator) or "")
        if all(pair):
            result.setdefault(pair, f"{rate.label}（{rate.version.form.title}）")
    return [({"figure": num, "of": den}, label) for (num, den), label in result.items()]


def _unknown(code) -> str:
    if not isinstance(code, str) or not _CODE.match(code):
        return _("统计指标编码应为小写字母开头的字母、数字、下划线，而不是「%(c)s」。") % {
            "c": code
        }
    if not _designated().filter(figure=code).exists():
        return _("统计指标「%(c)s」不在任何已发布的统计表中（见统计表字段的“统计指标编码”）。") % {
            "c": code
        }
    return ""


def check_figure(params: dict) -> str:
    if "figure" not in params:
        return _("统计表数值指标（statform_figure）须在 params 中写明 figure（统计指标编码）。")
    return _unknown(params["figure"])


def check_rate(params: dict) -> str:
    if "figure" not in params or "of" not in params:
        return _("统计表比率指标（statform_rate）须在 params 中写明 figure（分子）和 of（分母）。")
    return _unknown(params["figure"]) or _unknown(params["of"])


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
        reported=True,
        description="统计期在期内、已采纳的统计表中该统计指标的数值之和",
        param_choices=figure_choices,
        check_params=check_figure,
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
        reported=True,
        count_label="分子之和",
        total_label="分母之和",
        description="统计期在期内、已采纳的统计表中分子指标之和除以分母指标之和",
        param_choices=rate_choices,
        check_params=check_rate,
    ),
    Metric(
        key="statform_received",
        label="已报送的统计数值",
        measure_word="个",
        records=_received,
        in_period=dates_between("period_end"),
        list_url="statforms:figures",
        filters=_received_filters,
        narrows=RECEIVED_NARROWS,
        averaged="number",
        mean=_received_mean,
        description="统计期在期内、已提交或已采纳的统计表数值：个数，及其和与平均（汇总表的合计、"
        "平均；参数 form_task：某期统计任务；field_code：某一项目）",
    ),
]
