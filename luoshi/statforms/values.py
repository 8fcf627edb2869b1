"""Checking a filled form: the one validation the browser and the Excel upload both go through.

Values are kept as typed (text), so a refused form shows exactly what the user entered;
``check`` returns the numbers it read and every problem, keyed by the field code (a table
cell by ``code.row.column``, a missing reason by ``reason.code``), in Chinese.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

from luoshi.core.excel_import import CellError, ChoiceParser, DateParser
from luoshi.statforms.expressions import RuleError, parse_rule
from luoshi.statforms.models import FieldKind, FormField, FormVersion, plain_number

HUNDRED = Decimal(100)
RATE_TOLERANCE = Decimal("0.1")  # a typed rate may differ from num/den by rounding only
_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)")


@dataclass
class Checked:
    numbers: dict[str, Decimal] = field(default_factory=dict)
    errors: dict[str, list[str]] = field(default_factory=dict)

    def add(self, key: str, message: str) -> None:
        self.errors.setdefault(key, []).append(message)

    @property
    def ok(self) -> bool:
        return not self.errors


def _text(value) -> str:
    return "" if value is None else str(value).strip()


def parse_number(field: FormField | None, kind: str, text: str) -> Decimal:
    """A number typed into a field of ``kind``; ``CellError`` with a Chinese message."""
    cleaned = text.replace(",", "").replace("，", "").replace(" ", "")
    if kind == FieldKind.PERCENT:
        cleaned = cleaned.rstrip("%％")
    if not _NUMBER.fullmatch(cleaned):
        what = _("整数") if kind == FieldKind.INTEGER else _("数字")
        raise CellError(_("应填写%(what)s，而不是「%(text)s」") % {"what": what, "text": text})
    number = Decimal(cleaned)
    if kind == FieldKind.INTEGER and number != number.to_integral_value():
        raise CellError(_("应填写整数，而不是「%(text)s」") % {"text": text})
    if kind == FieldKind.PERCENT and not 0 <= number <= HUNDRED:
        raise CellError(_("比例应在 0 到 100%% 之间，不能是「%(text)s」") % {"text": text})
    if field is not None:
        _check_range(field, number)
    return number


def _check_range(field: FormField, number: Decimal) -> None:
    if field.min_value is not None and number < field.min_value:
        raise CellError(_("不能小于 %(min)s") % {"min": plain(field.min_value)})
    if field.max_value is not None and number > field.max_value:
        raise CellError(_("不能大于 %(max)s") % {"max": plain(field.max_value)})


def plain(number) -> str:
    """248.0000 → "248", 67.5700 → "67.57"."""
    return plain_number(None if number is None else Decimal(str(number)))


def _scalar(field: FormField, text: str, result: Checked) -> None:
    try:
        if field.is_numeric:
            result.numbers[field.code] = parse_number(field, field.kind, text)
        elif field.kind == FieldKind.DATE:
            DateParser()(text)
        elif field.kind == FieldKind.CHOICE:
            ChoiceParser([(c, c) for c in field.choice_list()])(text)
        elif len(text) > 200:
            raise CellError(_("不能超过 200 个字符"))
    except (CellError, InvalidOperation) as error:
        result.add(field.code, getattr(error, "message", _("格式不正确")))


def _table(field: FormField, rows, result: Checked) -> None:
    columns = field.column_list()
    filled = [row for row in rows or [] if any(_text(row.get(c)) for c, _l, _k in columns)]
    if field.required and not filled:
        result.add(field.code, _("请至少填写一行"))
    for index, row in enumerate(rows or [], start=1):
        if row not in filled:
            continue
        for code, label, kind in columns:
            text = _text(row.get(code))
            key = f"{field.code}.{index}.{code}"
            if not text:
                result.add(key, _("第%(n)d行「%(col)s」未填") % {"n": index, "col": label})
                continue
            try:
                if kind in (FieldKind.INTEGER, FieldKind.DECIMAL):
                    parse_number(None, kind, text)
                elif kind == FieldKind.DATE:
                    DateParser()(text)
            except CellError as error:
                result.add(
                    key, _("第%(n)d行「%(col)s」：") % {"n": index, "col": label} + error.message
                )


def _rate(field: FormField, result: Checked) -> None:
    """A rate with its numerator and denominator fields must agree with them."""
    num, den = result.numbers.get(field.numerator), result.numbers.get(field.denominator)
    typed = result.numbers.get(field.code)
    if num is None or den is None or typed is None or den == 0:
        return
    computed = num * HUNDRED / den
    if abs(computed - typed) > RATE_TOLERANCE:
        result.add(
            field.code,
            _("与分子、分母计算的结果 %(rate)s%% 不一致") % {"rate": plain(round(computed, 2))},
        )


def check(
    version: FormVersion,
    values: dict,
    *,
    prefilled: dict | None = None,
    reasons: dict | None = None,
    fields: list[FormField] | None = None,
) -> Checked:
    """Every problem of ``values`` against the version's fields and rules."""
    fields = fields if fields is not None else list(version.fields.all())
    prefilled, reasons = prefilled or {}, reasons or {}
    result = Checked()
    for item in fields:
        if item.kind == FieldKind.TABLE:
            _table(item, values.get(item.code), result)
            continue
        text = _text(values.get(item.code))
        if not text:
            if item.required:
                result.add(item.code, _("必填项，不能为空"))
            continue
        _scalar(item, text, result)
        _prefill_reason(item, text, prefilled, reasons, result)
    for item in fields:
        if item.is_rate and item.code not in result.errors:
            _rate(item, result)
    _rules(version, fields, result)
    return result


def _prefill_reason(item, text, prefilled, reasons, result: Checked) -> None:
    known = prefilled.get(item.code)
    if known is None or item.code in result.errors:
        return
    number = result.numbers.get(item.code)
    if number is not None and number != Decimal(str(known)) and not _text(reasons.get(item.code)):
        result.add(
            f"reason.{item.code}",
            _("系统根据台账预填为 %(known)s，修改为 %(new)s 须说明理由")
            % {"known": plain(known), "new": text},
        )


def _rules(version: FormVersion, fields: list[FormField], result: Checked) -> None:
    codes = {f.code for f in fields}
    labels = {f.code: f.label for f in fields}
    for rule in version.rules.all():
        try:
            parsed = parse_rule(rule.expression, codes)
        except RuleError:
            continue  # refused when the rule was saved; a stale one is not the filler's fault
        if any(name in result.errors for name in parsed.names):
            continue
        if parsed.holds(result.numbers) is False:
            first = parsed.names[0] if parsed.names else ""
            shown = "、".join(f"{labels[n]} {plain(result.numbers[n])}" for n in parsed.names)
            result.add(first, f"{rule.message}（{shown}）")
