"""Baselines (past reports as structured data): the writes and reads, scoped to the user.

``save_baseline`` is the one way a parsed report becomes a ``Baseline``; the report engine
reads the year's own figures, ``past_figures(baseline)`` (``Baseline.data["metrics"]`` less
the targets and the parts of a total), for year-on-year comparison (``baseline_for``).
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from luoshi.units.models import Unit

from .models import Baseline, ReportKind

REQUIRED_KEYS = ("text", "sections", "metrics", "problems", "plans")


class BaselineExists(ValidationError):
    """A baseline of this unit, year and kind exists and replacing it was not asked for."""


def baselines_for_user(user):
    return (
        Baseline.objects.for_user(user)
        .select_related("unit")
        .order_by("-year", "unit__path", "kind")
    )


def baseline_for(*, unit, year: int, kind: str = ReportKind.ANNUAL_SUMMARY) -> Baseline | None:
    """The baseline a generated report of ``unit`` compares its ``year + 1`` figures with."""
    return Baseline.objects.filter(unit=unit, year=year, kind=kind).first()


def past_figures(baseline: Baseline) -> list[dict]:
    """The figures a past report states as that year's facts: not next year's targets
    (「不少于12次」 in 下一步打算) and not the part of a total (「其中省级以上媒体刊发15篇」);
    a baseline imported before these were told apart counts all its figures."""
    return [
        m
        for m in baseline.data.get("metrics", [])
        if isinstance(m, dict) and not m.get("target") and not m.get("subset")
    ]


def units_for_import(user):
    return Unit.objects.for_user(user).filter(is_active=True).order_by("path")


def save_baseline(
    *,
    unit,
    year: int,
    kind: str,
    parsed: dict,
    user,
    source_name: str = "",
    replace: bool = False,
    subtree: bool = False,
) -> Baseline:
    """Store ``parsed`` (the importer's result) as the unit-year's baseline.

    Refuses (``PermissionDenied``) a user without ``reports.add_baseline`` or a unit outside
    their scope; refuses (``BaselineExists``) an existing baseline of the same unit, year and
    kind unless ``replace`` (which also needs ``reports.change_baseline``).
    """
    if not user.has_perm("reports.add_baseline"):
        raise PermissionDenied(_("没有导入往年报告的权限。"))
    if not units_for_import(user).filter(pk=unit.pk).exists():
        raise PermissionDenied(_("单位“%(unit)s”不在您的数据范围内。") % {"unit": unit})
    if kind not in ReportKind.values:
        raise ValidationError(_("未知的报告类型：%(kind)s") % {"kind": kind})
    if not (1949 <= int(year) <= 2100):
        raise ValidationError(_("年度不正确：%(year)s") % {"year": year})
    missing = [k for k in REQUIRED_KEYS if k not in parsed]
    if missing:
        raise ValidationError(_("解析结果不完整，缺少：%(keys)s") % {"keys": "、".join(missing)})
    data = {**parsed, "year": int(year), "kind": kind}
    fields = {
        "title": (parsed.get("title") or "")[:300],
        "source_name": (source_name or "")[:255],
        "subtree": bool(subtree),
        "text": parsed["text"],
        "data": data,
    }
    with transaction.atomic():
        existing = (
            Baseline.objects.select_for_update().filter(unit=unit, year=year, kind=kind).first()
        )
        if existing is not None:
            if not replace:
                raise BaselineExists(
                    _(
                        "%(unit)s %(year)s 年度已有一份“%(kind)s”基线；如需覆盖请勾选“替换已有基线”。"
                    )
                    % {"unit": unit, "year": year, "kind": ReportKind(kind).label}
                )
            if not user.has_perm("reports.change_baseline"):
                raise PermissionDenied(_("没有替换往年报告基线的权限。"))
            for name, value in fields.items():
                setattr(existing, name, value)
            existing.save()
            return existing
        try:
            with transaction.atomic():
                return Baseline.objects.create(
                    unit=unit, year=year, kind=kind, created_by=user, **fields
                )
        except IntegrityError as exc:  # a concurrent import of the same unit-year-kind
            raise BaselineExists(
                _("同一单位、年度和类型的基线刚刚已被保存，请刷新后重试。")
            ) from exc


def delete_baseline(*, baseline: Baseline, user) -> None:
    if not user.has_perm("reports.delete_baseline"):
        raise PermissionDenied(_("没有删除往年报告基线的权限。"))
    if not Baseline.objects.for_user(user).filter(pk=baseline.pk).exists():
        raise PermissionDenied(_("该基线不在您的数据范围内。"))
    baseline.delete()
