"""The operation log in the words of a clerk.

A change is described field by field with the field's verbose name and the value as the
pages show it: 是/否 for a yes/no, a choice's label (never its code), a related record's
name, a date as 2026-03-05; a workflow step as a sentence naming who did what to which
record, and why: 「张三 于 2026-03-05 10:20 将交办任务《…》退回，理由：…」.
"""

from __future__ import annotations

import datetime
import decimal

from django.db import models
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from luoshi.core import registry

# Fields that never enter a description with their value.
SECRET_FIELDS = {"password", "secret", "key_hash", "token_hash", "otp_secret"}
# Steps whose comment is the reason for refusing something.
REFUSALS = ("退回", "驳回", "不通过", "不予", "打回")
TEXT_LIMIT = 200

ACTION_CREATE, ACTION_UPDATE, ACTION_DELETE, ACTION_STEP = "+", "~", "-", "*"


def _date(value) -> str:
    if isinstance(value, datetime.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return date_format(value, "Y-m-d H:i")
    return date_format(value, "Y-m-d")


def _related_name(field, value) -> str:
    related = field.related_model._base_manager.filter(pk=value).first()
    return str(related) if related is not None else _("（已删除的记录）")


def _many(field, value) -> str:
    """simple-history gives m2m values as the through rows (dicts); others give ids."""
    key = field.m2m_reverse_field_name()
    ids = [row[key] if isinstance(row, dict) else row for row in value]
    names = field.related_model._base_manager.filter(pk__in=ids)
    return "、".join(sorted(str(o) for o in names))


def display_value(field, value) -> str:
    """``value`` of ``field`` as the pages show it ("" for nothing)."""
    if value is None or value == "":
        return ""
    if field.name in SECRET_FIELDS:
        return _("（已修改）")
    coded = registry.CODE_FIELDS.get(_path(field))
    if coded is not None:
        return str(coded[1]().get(value, value))
    if field.many_to_many:
        return _many(field, value)
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(field, models.BooleanField) or isinstance(value, bool):
        return _("是") if value else _("否")
    if field.many_to_one or field.one_to_one:
        return _related_name(field, value)
    if isinstance(value, datetime.date):
        return _date(value)
    if isinstance(value, decimal.Decimal):
        return format(value.normalize(), "f") if value == value.to_integral() else str(value)
    if isinstance(value, (dict, list)):  # structured content (a checklist, a report text)
        return _("（%(n)s 项）") % {"n": len(value)}
    return str(value)[:TEXT_LIMIT]


def _path(field) -> str:
    model = getattr(field, "model", None)
    return f"{model._meta.label_lower}.{field.name}" if model is not None else ""


def field_label(field, labels: dict | None = None) -> str:
    coded = registry.CODE_FIELDS.get(_path(field))
    if coded is not None:
        return str(coded[0])
    labels = labels or {}
    return str(labels.get(field.name, getattr(field, "verbose_name", field.name)))


def change(field, old, new, labels: dict | None = None) -> dict:
    return {
        "field": field_label(field, labels),
        "old": display_value(field, old),
        "new": display_value(field, new),
    }


def _who(entry) -> str:
    return str(entry.user) if entry.user_id else _("系统")


def _object(entry) -> str:
    text = f"{entry.model_name}《{entry.object_repr}》"
    return f"{text}的{entry.part}" if entry.part else text


def _changes(entry) -> str:
    parts = []
    for item in entry.changes or []:
        old = item.get("old") or _("空")
        new = item.get("new") or _("空")
        parts.append(_("%(field)s由「%(old)s」改为「%(new)s」") % {**item, "old": old, "new": new})
    return "；".join(parts)


def summary(entry) -> str:
    """What was done, without who and when: 「将交办任务《…》退回，理由：…」."""
    what = _object(entry)
    if entry.action == ACTION_STEP:
        text = _("将%(what)s%(verb)s") % {"what": what, "verb": entry.verb}
        if entry.comment:
            word = _("理由") if any(r in entry.verb for r in REFUSALS) else _("意见")
            text += f"，{word}：{entry.comment}"
        return text
    verb = entry.verb or {
        ACTION_CREATE: _("新增"),
        ACTION_UPDATE: _("修改"),
        ACTION_DELETE: _("删除"),
    }.get(entry.action, "")
    details = _changes(entry)
    return f"{verb}{what}：{details}" if details else f"{verb}{what}"


def sentence(entry) -> str:
    """The entry as one sentence: 「张三 于 2026-03-05 10:20 将交办任务《…》退回，理由：…」."""
    return _("%(who)s 于 %(when)s %(what)s") % {
        "who": _who(entry),
        "when": _date(entry.time),
        "what": summary(entry),
    }
