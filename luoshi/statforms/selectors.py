"""Reads of 统计报表: the issuer's aggregate of a form task (units × fields), and the
latest accepted figures of a subtree (what the dashboard shows)."""

from __future__ import annotations

import dataclasses
import datetime
import statistics
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Max
from django.utils.translation import gettext as _

from luoshi.core import metrics
from luoshi.core.metrics import rate_of
from luoshi.statforms.models import FieldKind, FigureValue, FormField, FormTask, Submission
from luoshi.statforms.values import parse_number, plain
from luoshi.tasks.models import AssignmentStatus, TaskAssignment

RECEIVED = (AssignmentStatus.SUBMITTED, AssignmentStatus.ACCEPTED)
JUMP = Decimal(2)  # more than double, or less than half, of last period: flagged
PEER_FACTOR = Decimal(3)  # more than 3×, or less than a third of, the peers' median
MIN_PEERS = 3  # peers: the recipients of the same unit type (a 街道 is no peer of a 局)
MIN_GAP = 5  # a change smaller than this is never flagged (3 sessions instead of 1)


@dataclass
class Cell:
    text: str = ""
    number: Decimal | None = None
    flags: list[str] = dataclasses.field(default_factory=list)


@dataclass
class Line:
    assignment: TaskAssignment
    submission: Submission | None
    cells: list[Cell]

    @property
    def received(self) -> bool:
        return self.assignment.status in RECEIVED


@dataclass
class TableDetail:
    """A table field's rows of every received submission (单位, 行号, cells) with the sums
    of its number columns."""

    field: FormField
    columns: list[tuple[str, str, str]]
    rows: list[tuple] = dataclasses.field(default_factory=list)
    sums: list[str] = dataclasses.field(default_factory=list)

    @property
    def has_sums(self) -> bool:
        return any(self.sums)


@dataclass
class Aggregate:
    form_task: FormTask
    fields: list[FormField]
    lines: list[Line]
    sums: list[str]
    averages: list[str]
    missing: list
    previous: FormTask | None
    tables: list[TableDetail] = dataclasses.field(default_factory=list)
    # the list of the values each sum adds up ("" for a table's rows or a rate)
    sum_urls: list[str] = dataclasses.field(default_factory=list)

    @property
    def sum_cells(self) -> list[tuple[str, str]]:
        return list(zip(self.sums, self.sum_urls or [""] * len(self.sums), strict=True))

    @property
    def footer(self) -> list[tuple[FormField, str, str]]:
        """(field, sum or rate, average) of the items that have one."""
        rows = zip(self.fields, self.sums, self.averages, strict=True)
        return [(item, total, average) for item, total, average in rows if total]


def form_tasks_for(user):
    return FormTask.objects.for_user(user).select_related("task", "task__unit", "version__form")


def _number(item: FormField, text: str) -> Decimal | None:
    try:
        return parse_number(None, item.kind, text) if text and item.is_numeric else None
    except Exception:  # a draft may hold anything; it is not counted
        return None


def filled_rows(raw) -> list[dict]:
    """A table's rows with something typed in them (blank rows of a template never count)."""
    return [
        r
        for r in raw or []
        if isinstance(r, dict) and any(str(v or "").strip() for v in r.values())
    ]


def _cell(item: FormField, values: dict) -> Cell:
    raw = values.get(item.code)
    if item.kind == FieldKind.TABLE:
        rows = filled_rows(raw)
        text = _("%(n)d 行") % {"n": len(rows)} if rows else ""
        return Cell(text=text, number=Decimal(len(rows)) if rows else None)
    text = str(raw or "").strip()
    return Cell(text=text, number=_number(item, text))


def previous_task(form_task: FormTask) -> FormTask | None:
    """The same form's task of the period before (same issuing unit)."""
    return (
        FormTask.objects.filter(
            version__form_id=form_task.version.form_id,
            task__unit_id=form_task.task.unit_id,
            period_end__lt=form_task.period_start,
        )
        .order_by("-period_end")
        .first()
    )


def aggregate(form_task: FormTask, user) -> Aggregate:
    """Units × fields of the received submissions (submitted or accepted), with sums, averages,
    rates from their own numerator and denominator sums, and values out of line flagged.

    The sums and averages of the number items are the metric ``statform_received`` of the
    form task's values (one GROUP BY on the item), each sum linking to the values it adds."""
    fields = list(form_task.version.fields.all())
    submissions = {s.assignment_id: s for s in form_task.submissions.all()}
    assignments = form_task.task.assignments.select_related("unit").order_by("unit__path")
    lines = []
    for assignment in assignments:
        submission = submissions.get(assignment.pk)
        values = submission.values if submission is not None else {}
        cells = [
            _cell(item, values) if assignment.status in RECEIVED else Cell() for item in fields
        ]
        lines.append(Line(assignment, submission, cells))
    _unit_rates(fields, lines)
    previous = previous_task(form_task)
    _flag(fields, lines, _previous_numbers(previous))
    figures = metrics.breakdown_of_object(
        "statform_received", user=user, params={"form_task": form_task.pk}, fields=("field_code",)
    )
    sums, averages = _totals(fields, lines, {code: v for (code,), v in figures.items()})
    urls = [figures[(item.code,)].url if (item.code,) in figures else "" for item in fields]
    urls = [
        url if total and not item.is_rate else ""
        for url, total, item in zip(urls, sums, fields, strict=True)
    ]
    missing = [line.assignment.unit for line in lines if not line.received]
    tables = [_table_detail(item, lines) for item in fields if item.kind == FieldKind.TABLE]
    return Aggregate(form_task, fields, lines, sums, averages, missing, previous, tables, urls)


def _table_detail(item: FormField, lines: list[Line]) -> TableDetail:
    """Every received unit's rows of a table field, and its number columns summed."""
    detail = TableDetail(item, item.column_list())
    numeric = [kind in (FieldKind.INTEGER, FieldKind.DECIMAL) for _c, _l, kind in detail.columns]
    totals = [Decimal(0)] * len(detail.columns)
    for line in lines:
        if not line.received or line.submission is None:
            continue
        for index, row in enumerate(filled_rows(line.submission.values.get(item.code)), 1):
            cells = [str(row.get(code) or "").strip() for code, _l, _k in detail.columns]
            detail.rows.append((line.assignment.unit, index, cells))
            for i, (text, (_c, _l, kind)) in enumerate(zip(cells, detail.columns, strict=True)):
                number = _number_of(kind, text) if numeric[i] else None
                totals[i] += number or 0
    detail.sums = [plain(t) if n else "" for t, n in zip(totals, numeric, strict=True)]
    return detail


def _number_of(kind: str, text: str) -> Decimal | None:
    try:
        return parse_number(None, kind, text) if text else None
    except Exception:  # a cell not a number is refused on submit; never counted
        return None


def _unit_rates(fields, lines) -> None:
    """A unit's rate as its own numerator over its own denominator (filled in when left blank)."""
    index = {item.code: i for i, item in enumerate(fields)}
    for i, item in enumerate(fields):
        if not item.is_rate:
            continue
        for line in lines:
            num = line.cells[index[item.numerator]].number
            den = line.cells[index[item.denominator]].number
            rate = rate_of(num, den) if num is not None and den else None
            if rate is not None:
                line.cells[i] = Cell(text=f"{rate}%", number=rate)


def _previous_numbers(previous: FormTask | None) -> dict:
    """{(unit id, field code): number} of last period's accepted submissions."""
    if previous is None:
        return {}
    result = {}
    for figure in previous.submissions.filter(
        assignment__status=AssignmentStatus.ACCEPTED
    ).prefetch_related("figures"):
        for value in figure.figures.all():
            result[(figure.unit_id, value.field_code)] = value.number
    return result


def _out_of_line(number: Decimal, reference: Decimal | None, factor: Decimal) -> bool:
    if not reference or abs(number - reference) < MIN_GAP:
        return False
    return number > reference * factor or number * factor < reference


def _medians(lines, index: int) -> dict:
    """{unit type id: median of the item among the recipients of that type} (≥ 3 of them)."""
    by_type: dict = {}
    for line in lines:
        if line.cells[index].number is not None:
            by_type.setdefault(line.assignment.unit.unit_type_id, []).append(
                line.cells[index].number
            )
    return {
        kind: Decimal(str(statistics.median(numbers)))
        for kind, numbers in by_type.items()
        if len(numbers) >= MIN_PEERS
    }


def _flag(fields, lines, last: dict) -> None:
    """Values out of line with the unit's last period, or with units of the same type."""
    for index, item in enumerate(fields):
        if item.kind not in (FieldKind.INTEGER, FieldKind.DECIMAL):
            continue
        medians = _medians(lines, index)
        for line in lines:
            cell = line.cells[index]
            if cell.number is None:
                continue
            before = last.get((line.assignment.unit_id, item.code))
            if _out_of_line(cell.number, before, JUMP):
                cell.flags.append(_("上期 %(n)s，变化较大") % {"n": plain(before)})
            median = medians.get(line.assignment.unit.unit_type_id)
            if _out_of_line(cell.number, median, PEER_FACTOR):
                cell.flags.append(_("明显偏离同类单位中位数 %(n)s") % {"n": plain(median)})


def _totals(fields, lines, figures: dict) -> tuple[list[str], list[str]]:
    """The 合计 and 平均 of each item: a number item's from its metric value (``figures``
    by code: the sum and mean of the received values), a table's rows counted in its cells,
    a rate as the rate of its numerator's and denominator's sums."""
    sums: list[str] = []
    averages: list[str] = []
    totals: dict[str, Decimal | None] = {}
    for index, item in enumerate(fields):
        value = figures.get(item.code)
        if value is not None and value.count:
            totals[item.code] = value.amount
        if item.kind in (FieldKind.INTEGER, FieldKind.DECIMAL) and value and value.count:
            sums.append(plain(value.amount))
            averages.append(plain(value.mean))
            continue
        numbers = [
            line.cells[index].number for line in lines if line.cells[index].number is not None
        ]
        total = sum(numbers, Decimal(0)) if numbers else None
        if item.kind == FieldKind.TABLE and total is not None:
            sums.append(_("%(n)s 行") % {"n": plain(total)})
            averages.append("")
        else:
            sums.append("")
            averages.append("")
    for index, item in enumerate(fields):
        if item.is_rate:  # the rate of the sums, never an average of the units' rates
            rate = rate_of(totals.get(item.numerator) or 0, totals.get(item.denominator))
            sums[index] = f"{rate}%" if rate is not None else "—"
    return sums, averages


def export_rows(result: Aggregate) -> tuple[list[str], list[list]]:
    """The layout offices exchange: 序号, 单位, one column per item (with its unit), 状态."""
    headers = [_("序号"), _("单位")] + [item.title() for item in result.fields] + [_("报送状态")]
    rows = []
    tables = [item.kind == FieldKind.TABLE for item in result.fields]
    for number, line in enumerate(result.lines, start=1):
        cells = [
            c.number if c.number is not None and not table else c.text
            for c, table in zip(line.cells, tables, strict=True)
        ]
        rows.append(
            [number, line.assignment.unit.name, *cells, line.assignment.get_status_display()]
        )
    rows.append(["", _("合计（比率为分子之和÷分母之和）"), *result.sums, ""])
    rows.append(["", _("平均"), *result.averages, ""])
    if result.missing:
        rows.append(["", _("未报送：") + "、".join(u.name for u in result.missing)])
    return headers, rows


# ---------------------------------------------------------------------------------------------
# The latest accepted figures of a subtree


@dataclass
class FigureSource:
    """A form's latest 统计期 with accepted values in a subtree, and the metrics of its
    designated fields: (metric key, params, label, measure word)."""

    title: str
    period_label: str
    start: datetime.date
    end: datetime.date
    metrics: list[tuple[str, dict, str, str]] = dataclasses.field(default_factory=list)


def latest_figures(user, unit, until: datetime.date) -> list[FigureSource]:
    """Per form, its latest 统计期 ending by ``until`` in which ``unit``'s subtree has accepted
    values ``user`` may open, with its designated figures (and the rates of two of them)."""
    accepted = FigureValue.objects.filter(
        submission__assignment__status=AssignmentStatus.ACCEPTED, period_end__lte=until
    ).exclude(figure="")
    latest = dict(
        metrics.scoped(accepted, user=user, unit=unit, subtree=True)
        .order_by()
        .values_list("form_id")
        .annotate(latest=Max("period_end"))
    )
    if not latest:
        return []
    tasks: dict[int, FormTask] = {}
    found = FormTask.objects.filter(version__form_id__in=latest, period_end__in=latest.values())
    for task in found.select_related("version__form").order_by("-version__number"):
        if latest.get(task.version.form_id) == task.period_end:
            tasks.setdefault(task.version.form_id, task)
    fields: dict[int, list[FormField]] = {}
    for item in FormField.objects.filter(version__in=[t.version_id for t in tasks.values()]):
        fields.setdefault(item.version_id, []).append(item)
    sources = [
        _source(task, fields.get(task.version_id, []))
        for task in sorted(tasks.values(), key=lambda t: (-t.period_end.toordinal(), t.pk))
    ]
    return [source for source in sources if source.metrics]


def _source(task: FormTask, fields: list[FormField]) -> FigureSource:
    source = FigureSource(
        task.version.form.title, task.period_label, task.period_start, task.period_end
    )
    figures = {item.code: item.figure for item in fields}
    for item in fields:
        if item.figure:
            source.metrics.append(
                ("statform_figure", {"figure": item.figure}, item.label, item.measure)
            )
        pair = (figures.get(item.numerator), figures.get(item.denominator))
        if item.is_rate and all(pair):
            params = {"figure": pair[0], "of": pair[1]}
            source.metrics.append(("statform_rate", params, item.label, "%"))
    return source


def export_tables(result: Aggregate) -> list[tuple[str, list[str], list[list]]]:
    """One sheet per table field: 单位, 行号, its columns, then 合计 of the number columns."""
    sheets = []
    for detail in result.tables:
        headers = [_("单位"), _("行号")] + [label for _c, label, _k in detail.columns]
        rows: list[list] = [[unit.name, index, *cells] for unit, index, cells in detail.rows]
        if detail.has_sums:
            rows.append([_("合计"), len(detail.rows), *detail.sums])
        sheets.append((detail.field.label, headers, rows))
    return sheets
