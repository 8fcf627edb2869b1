"""参数设置: system parameters the system administrator changes at run time.

Each module declares its parameters once (``registry.parameter``, from its ``plugin``
module): a key, a label, a kind (whole number, yes/no, megabytes, roles, grade bands), the
allowed range and the Django setting that gives the default. Code reads a parameter with
``value(key)``: the value the administrator stored on the 参数设置 page, or else the setting
(so the environment variables of luoshi/settings.py stay the defaults, and a test's
``settings.X = ...`` still applies while nothing is stored).

The stored values are read once per process and kept in memory (``CACHE_SECONDS``): a
lookup costs no query and no cache round trip. A change is seen at once by the process
that made it and within ``CACHE_SECONDS`` by every other (web workers, the db_worker).
Every change is written to the operation log (``parameter_changed``, received by the
audit app).
"""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.dispatch import Signal
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from luoshi.core import registry
from luoshi.core.registry import ParameterSpec

MIB = 1024 * 1024
CACHE_SECONDS = 10.0

# sent after a stored value changed: spec, old and new (display text), user
parameter_changed = Signal()


class SystemParameter(models.Model):
    """A parameter's value as the administrator set it (text, as shown on the page); no row:
    the default from settings applies."""

    key = models.CharField(_("参数键"), max_length=60, unique=True)
    value = models.TextField(_("取值"))
    updated_at = models.DateTimeField(_("修改时间"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("修改人"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        app_label = "core"
        verbose_name = verbose_name_plural = gettext_lazy("系统参数")
        default_permissions = ("view", "change")

    def __str__(self):
        spec = registry.PARAMETERS.get(self.key)
        return str(spec.label) if spec else self.key


registry.module_grants("参数设置", {"admin": {"core.systemparameter": ["view", "change"]}})


# --- kinds: text on the page <-> value in code ---------------------------------------------

YES, NO = "是", "否"
GRADE_STEP = re.compile(r"^\s*([^≥>=\s][^≥>=]*?)\s*(?:(?:≥|>=)\s*([0-9.]+))?\s*$")


def _parse_int(spec: ParameterSpec, text: str) -> int:
    try:
        number = int(text.strip())
    except ValueError:
        raise ValidationError(_("请输入整数。")) from None
    _check_range(spec, number)
    return number


def _check_range(spec: ParameterSpec, number) -> None:
    if spec.minimum is not None and number < spec.minimum:
        raise ValidationError(
            spec.minimum_message or _("不能小于 %(min)s。") % {"min": spec.minimum}
        )
    if spec.maximum is not None and number > spec.maximum:
        raise ValidationError(_("不能大于 %(max)s。") % {"max": spec.maximum})


def _parse_megabytes(spec: ParameterSpec, text: str) -> int:
    try:
        megabytes = Decimal(text.strip())
    except InvalidOperation:
        raise ValidationError(_("请输入以 MB 为单位的数字，如 50。")) from None
    if not megabytes.is_finite():
        raise ValidationError(_("请输入以 MB 为单位的数字，如 50。"))
    _check_range(spec, megabytes)
    return int(megabytes * MIB)


def _format_megabytes(value: int) -> str:
    megabytes = Decimal(value) / MIB
    return f"{megabytes.normalize():f}" if megabytes % 1 else str(int(megabytes))


def _parse_bool(spec: ParameterSpec, text: str) -> bool:
    if text.strip() not in {YES, NO}:
        raise ValidationError(_("请选择「是」或「否」。"))
    return text.strip() == YES


def _parse_codes(spec: ParameterSpec, text: str) -> list[str]:
    """Codes from the spec's choices (e.g. role codes), separated by commas or spaces."""
    codes = [code.strip() for code in re.split(r"[,，、\s]+", text) if code.strip()]
    known = spec.choices() if spec.choices else {}
    unknown = [code for code in codes if code not in known]
    if unknown:
        raise ValidationError(_("没有这些选项：%(codes)s。") % {"codes": "、".join(unknown)})
    return sorted(set(codes), key=codes.index)


def _parse_grades(spec: ParameterSpec, text: str) -> list[dict]:
    """「好≥90；较好≥80；一般≥60；差」: descending lower bounds, the last band has none."""
    steps = [step for step in re.split(r"[;；\n]+", text) if step.strip()]
    if len(steps) < 2:
        raise ValidationError(_("至少两个等次，如「好≥90；较好≥80；一般≥60；差」。"))
    grades, previous = [], Decimal(101)
    for position, step in enumerate(steps, start=1):
        grades.append(_grade_step(step, position, last=position == len(steps)))
        bound = Decimal(str(grades[-1]["at_least"]))
        if bound >= previous:
            raise ValidationError(_("第 %(n)d 个等次的分数线应低于上一个。") % {"n": position})
        previous = bound
    return grades


def _grade_step(step: str, position: int, *, last: bool) -> dict:
    match = GRADE_STEP.match(step)
    if not match:
        raise ValidationError(
            _("第 %(n)d 个等次「%(step)s」写法不对，应为「名称≥分数」。")
            % {"n": position, "step": step.strip()}
        )
    name, bound = match.group(1).strip(), match.group(2)
    if bound is None and not last:
        raise ValidationError(_("第 %(n)d 个等次缺少分数线（≥多少分）。") % {"n": position})
    try:
        at_least = Decimal(bound) if bound is not None else Decimal(0)
    except InvalidOperation:
        raise ValidationError(_("第 %(n)d 个等次的分数线不是数字。") % {"n": position}) from None
    if not 0 <= at_least <= 100:
        raise ValidationError(_("第 %(n)d 个等次的分数线应在 0 到 100 之间。") % {"n": position})
    return {"name": name[:20], "at_least": float(at_least)}


def _format_grades(grades: list[dict]) -> str:
    parts = []
    for index, grade in enumerate(grades):
        bound = Decimal(str(grade["at_least"])).normalize()
        last = index == len(grades) - 1
        parts.append(grade["name"] if last and not bound else f"{grade['name']}≥{bound:f}")
    return "；".join(parts)


PARSERS = {
    "int": _parse_int,
    "megabytes": _parse_megabytes,
    "bool": _parse_bool,
    "codes": _parse_codes,
    "grades": _parse_grades,
}
FORMATTERS: dict[str, Callable[[Any], str]] = {
    "int": str,
    "megabytes": _format_megabytes,
    "bool": lambda value: YES if value else NO,
    "codes": lambda codes: ",".join(codes),
    "grades": _format_grades,
}


def parse(spec: ParameterSpec, text: str) -> Any:
    """The value in code of ``text`` typed on the page; ``ValidationError`` (Chinese)."""
    if not str(text).strip() and spec.kind != "codes":
        raise ValidationError(_("请填写取值。"))
    return PARSERS[spec.kind](spec, str(text))


def display(spec: ParameterSpec, value: Any) -> str:
    """The stored text of ``value`` (what the page's field holds)."""
    return FORMATTERS[spec.kind](value)


def describe(spec: ParameterSpec, value: Any) -> str:
    """``value`` in words for the page and the log (roles by name, not code)."""
    if spec.kind == "codes" and spec.choices:
        names = spec.choices()
        return "、".join(names.get(code, code) for code in value)
    return display(spec, value)


# --- reading ---------------------------------------------------------------------------------


class _Stored:
    """The stored values of this process: key -> parsed value, reloaded after
    ``CACHE_SECONDS`` or at once after a change made here."""

    def __init__(self):
        self.values: dict[str, Any] | None = None
        self.loaded_at = 0.0
        self.lock = threading.Lock()

    def get(self) -> dict[str, Any]:
        values = self.values
        if values is None or time.monotonic() - self.loaded_at > CACHE_SECONDS:
            values = self.load()
        return values

    def load(self) -> dict[str, Any]:
        values = {}
        for key, text in SystemParameter.objects.values_list("key", "value"):
            spec = registry.PARAMETERS.get(key)
            if spec is None:
                continue
            try:
                values[key] = parse(spec, text)
            except ValidationError:  # e.g. a role since deleted: the default applies
                continue
        with self.lock:
            self.values, self.loaded_at = values, time.monotonic()
        return values

    def reset(self, values: dict[str, Any] | None = None) -> None:
        with self.lock:
            self.values, self.loaded_at = values, time.monotonic()


_stored = _Stored()


def reset_cache(values: dict[str, Any] | None = None) -> None:
    """Forget the stored values (``values``: what to assume is stored, e.g. ``{}`` for a test
    database that holds none)."""
    _stored.reset(values)


def default(spec: ParameterSpec) -> Any:
    """The default: the setting now (so ``override_settings`` applies), else the spec's."""
    return getattr(settings, spec.setting, spec.default) if spec.setting else spec.default


def value(key: str) -> Any:
    """The value of parameter ``key`` in force."""
    spec = registry.PARAMETERS[key]
    stored = _stored.get()
    return stored[key] if key in stored else default(spec)


def is_stored(key: str) -> bool:
    return key in _stored.get()


# --- changing --------------------------------------------------------------------------------


def change(spec: ParameterSpec, text: str, *, user) -> bool:
    """Store ``text`` (validated: ``ValidationError``) as the value of ``spec``; False if it
    is what is in force already. Logged."""
    new = parse(spec, text)
    old = value(spec.key)
    if new == old and is_stored(spec.key):
        return False
    SystemParameter.objects.update_or_create(
        key=spec.key, defaults={"value": display(spec, new), "updated_by": user}
    )
    _changed(spec, old, new, user)
    return True


def restore_default(spec: ParameterSpec, *, user) -> bool:
    """Remove the stored value: the setting applies again. Logged."""
    if not is_stored(spec.key):
        return False
    old = value(spec.key)
    SystemParameter.objects.filter(key=spec.key).delete()
    _changed(spec, old, default(spec), user, restored=True)
    return True


def _changed(spec: ParameterSpec, old, new, user, restored: bool = False) -> None:
    _stored.reset()
    new_text = describe(spec, new)
    if restored:
        new_text = _("%(value)s（恢复默认）") % {"value": new_text}
    parameter_changed.send(
        sender=SystemParameter, spec=spec, old=describe(spec, old), new=new_text, user=user
    )


# --- the platform's own parameters ---------------------------------------------------------------

registry.parameter(
    ParameterSpec(
        key="remind_days_before",
        label=gettext_lazy("到期提醒提前天数"),
        group=gettext_lazy("提醒"),
        kind="int",
        setting="TASK_REMIND_DAYS_BEFORE",
        default=3,
        minimum=0,
        maximum=60,
        unit=gettext_lazy("天"),
        help=gettext_lazy("任务报送与整改事项在截止前多少天提醒责任单位；0 表示不提前提醒。"),
    )
)
registry.parameter(
    ParameterSpec(
        key="upload_max_unpacked",
        label=gettext_lazy("压缩文件解压后总大小上限"),
        group=gettext_lazy("上传限制"),
        kind="megabytes",
        setting="UPLOAD_MAX_UNPACKED_BYTES",
        default=200 * MIB,
        minimum=1,
        maximum=4096,
        unit="MB",
        help=gettext_lazy("上传的 xlsx/docx/zip 解压后的总大小上限，防止压缩炸弹。"),
    )
)
