"""Reads of the duty module: lists in scope and their LIVE progress from the records.

Progress is measured through ``luoshi.core.indicators`` (one measure per item and period,
nothing stored) FOR A USER: a subtree figure counts only the records the user may open. A kind
nobody registered yet is a manual item ticked on the item's page.
"""

from __future__ import annotations

import datetime
import math
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _

from luoshi.core import indicators
from luoshi.duty.models import DutyCheck, DutyItem, DutyList, Pack, TargetType
from luoshi.duty.pack_format import DEFAULT_PACK
from luoshi.duty.periods import periods

DONE, ON_TRACK, BEHIND, INACTIVE = "done", "on_track", "behind", "inactive"
STATUS_CLASSES = {
    DONE: "success",
    ON_TRACK: "warning",
    BEHIND: "danger",
    INACTIVE: "secondary",
}


def status_label(status: str) -> str:
    return str(
        {DONE: _("已完成"), ON_TRACK: _("进行中"), BEHIND: _("滞后"), INACTIVE: _("不考核")}[status]
    )


@dataclass
class PeriodProgress:
    key: str
    label: str
    start: datetime.date
    end: datetime.date
    count: int | None = None
    total: int | None = None
    met: bool = False
    state: str = "future"  # met | open | missed | future
    url: str = ""
    check: DutyCheck | None = None

    @property
    def rate(self) -> Decimal | None:
        if not self.total:
            return None
        return (Decimal(self.count) * 100 / self.total).quantize(Decimal("0.1"))

    @property
    def mark(self) -> str:
        return {"met": "✔", "missed": "✘", "open": "…", "future": "—"}[self.state]


@dataclass
class ItemProgress:
    item: DutyItem
    manual: bool
    status: str
    periods: list[PeriodProgress] = field(default_factory=list)
    checklist: list[dict] = field(default_factory=list)  # {code, name, check}
    count: int | None = None  # the year's count (or rate numerator), or checklist ticks
    total: int | None = None
    url: str = ""  # the records behind the year's number

    @property
    def status_label(self) -> str:
        return status_label(self.status)

    @property
    def css(self) -> str:
        return STATUS_CLASSES[self.status]

    @property
    def target(self) -> str:
        return target_text(self.item)

    @property
    def summary(self) -> str:
        """9/12 · 上半年✔ 下半年✘ · 85.0%（17/20） · 3/5 项."""
        item = self.item
        if item.target_type == TargetType.CHECKLIST:
            return _("%(done)d/%(all)d 项") % {"done": self.count or 0, "all": self.total or 0}
        if len(self.periods) == 1:
            period = self.periods[0]
            if self.manual:
                return _("已完成") if period.met else _("未完成")
            if item.target_type == TargetType.RATE:
                if not period.total:
                    return _("本期无应办事项")
                return f"{period.rate}%（{period.count}/{period.total}）"
            return f"{period.count}/{_number(item.target)}"
        if len(self.periods) <= 4:
            return " ".join(f"{p.label}{p.mark}" for p in self.periods)
        met = sum(1 for p in self.periods if p.met)
        return _("%(met)d/%(all)d 个月达标") % {"met": met, "all": len(self.periods)}


def _number(value) -> str:
    if value is None:
        return "-"
    value = Decimal(value)
    return str(value.quantize(Decimal(1))) if value == value.to_integral() else str(value)


def target_text(item: DutyItem) -> str:
    """≥2 次/全年 · 每半年 ≥1 次 · ≥100% · 全部完成."""
    target = _number(item.target)
    if item.target_type == TargetType.CHECKLIST:
        return _("%(n)d 项全部完成") % {"n": len(item.checklist)}
    if item.target_type == TargetType.RATE:
        return _("%(period)s ≥%(t)s%%") % {"period": item.get_period_display(), "t": target}
    return _("%(period)s ≥%(t)s 次") % {"period": item.get_period_display(), "t": target}


def _measure(item: DutyItem, user, unit, subtree, start, end):
    try:
        return indicators.measure(
            item.indicator_kind,
            item.indicator_params,
            user=user,
            unit=unit,
            subtree=subtree,
            start=start,
            end=end,
        )
    except (ObjectDoesNotExist, KeyError):  # e.g. an activity type removed from the dictionary
        return None


def item_progress(
    item: DutyItem, *, user, subtree: bool = False, today: datetime.date | None = None
) -> ItemProgress:
    """Progress of ``item`` over its list's year, as of ``today``; ``item.checks`` may be
    prefetched. ``subtree``: count the records of the unit and every unit below it, of
    those ``user`` may open."""
    today = today or timezone.localdate()
    year = item.duty_list.year if "duty_list" in item._state.fields_cache else None
    year = year or DutyList.objects.values_list("year", flat=True).get(pk=item.duty_list_id)
    year_end = datetime.date(year, 12, 31)
    checks = {c.key: c for c in item.checks.all()}
    manual = item.is_manual
    result = ItemProgress(item=item, manual=manual, status=ON_TRACK)

    if item.target_type == TargetType.CHECKLIST:
        result.checklist = [{**sub, "check": checks.get(sub["code"])} for sub in item.checklist]
        result.count = sum(1 for s in result.checklist if s["check"] and s["check"].done)
        result.total = len(result.checklist)
        if result.count == result.total:
            result.status = DONE
        elif today > year_end:
            result.status = BEHIND
        result.status = INACTIVE if not item.is_active else result.status
        return result

    target = Decimal(item.target or 0)
    unit = item.unit
    for period in periods(item.period, year):
        progress = PeriodProgress(period.key, period.label, period.start, period.end)
        if manual:
            progress.check = checks.get(period.key)
            progress.met = bool(progress.check and progress.check.done)
        elif period.start <= today:
            measured = _measure(item, user, unit, subtree, period.start, period.end)
            if measured is None:
                manual = result.manual = True
                progress.check = checks.get(period.key)
                progress.met = bool(progress.check and progress.check.done)
            else:
                progress.count, progress.total, progress.url = (
                    measured.count,
                    measured.total,
                    measured.url,
                )
                if item.target_type == TargetType.RATE:
                    progress.met = not measured.total or (
                        Decimal(measured.count) * 100 >= target * measured.total
                    )
                else:
                    progress.met = measured.count >= target
        if progress.met:
            progress.state = "met"
        elif period.start > today:
            progress.state = "future"
        elif period.end >= today:
            progress.state = "open"
        else:
            progress.state = "missed"
        result.periods.append(progress)

    if not manual:
        if len(result.periods) == 1:
            only = result.periods[0]
            result.count, result.total, result.url = only.count, only.total, only.url
        else:
            start, end = datetime.date(year, 1, 1), year_end
            measured = _measure(item, user, unit, subtree, start, end)
            if measured is not None:
                result.count, result.total, result.url = (
                    measured.count,
                    measured.total,
                    measured.url,
                )

    if not item.is_active:
        result.status = INACTIVE
    elif all(p.met for p in result.periods):
        result.status = DONE
    elif any(p.state == "missed" for p in result.periods):
        result.status = BEHIND
    else:
        result.status = ON_TRACK
        current = next((p for p in result.periods if p.state == "open"), None)
        if current is not None and not manual and item.target_type == TargetType.COUNT:
            days = (current.end - current.start).days + 1
            elapsed = (today - current.start).days + 1
            if (current.count or 0) < math.floor(target * elapsed / days):
                result.status = BEHIND
    return result


def list_progress(duty_list: DutyList, *, user, subtree=False, today=None) -> list[ItemProgress]:
    items = duty_list.items.prefetch_related("checks__recorded_by", "assignees").order_by(
        "order", "id"
    )
    rows = []
    for item in items:
        item.duty_list = duty_list
        item.unit = duty_list.unit
        rows.append(item_progress(item, user=user, subtree=subtree, today=today))
    return rows


def group_by_area(rows: list[ItemProgress]) -> list[tuple[str, list[ItemProgress]]]:
    groups: dict[str, list[ItemProgress]] = {}
    for row in rows:
        groups.setdefault(row.item.area_name or _("本单位增加"), []).append(row)
    return list(groups.items())


def tally(rows: list[ItemProgress]) -> dict[str, int]:
    counts = dict.fromkeys([DONE, ON_TRACK, BEHIND, INACTIVE], 0)
    for row in rows:
        counts[row.status] += 1
    return counts


# ---------------------------------------------------------------------------------------------
# Lists, packs, overview


def duty_lists_for(user):
    return DutyList.objects.for_user(user).select_related("unit", "pack", "signed_by")


def items_for(user):
    return DutyItem.objects.for_user(user).select_related("duty_list__pack", "unit", "pack_item")


def default_pack_code() -> str:
    return DEFAULT_PACK.stem


def latest_pack(code: str | None = None) -> Pack | None:
    return Pack.objects.filter(code=code or default_pack_code()).order_by("-version").first()


def latest_packs():
    """The newest version of each pack."""
    packs = {}
    for pack in Pack.objects.order_by("code", "-version"):
        packs.setdefault(pack.code, pack)
    return list(packs.values())


def pack_tree(pack: Pack) -> list[tuple]:
    """[(area, [items])] of a pack version, retired items last under their area."""
    items = list(pack.items.order_by("order"))
    areas = [i for i in items if i.is_area]
    tree = [(area, [i for i in items if i.parent_id == area.pk]) for area in areas]
    orphans = [i for i in items if not i.is_area and i.parent_id is None]
    if orphans:
        tree.append((None, orphans))
    return tree


@dataclass
class OverviewRow:
    unit: object
    duty_list: DutyList | None
    cells: dict  # code → ItemProgress
    ordered: list = field(default_factory=list)  # ItemProgress | None, one per column


def overview(user, *, year: int, pack_code: str, parent=None, subtree=False, today=None):
    """Units × items of ``pack_code`` for ``year``: the children of ``parent`` (or every
    unit in the user's scope), each with its duty list's live progress. Returns
    (columns [(code, name)], rows [OverviewRow])."""
    from luoshi.units.models import Unit

    units = Unit.objects.for_user(user).filter(is_active=True)
    if parent is not None:
        units = units.filter(path__startswith=parent.path, depth=parent.depth + 1)
    units = list(units.order_by("path"))
    lists = {
        d.unit_id: d
        for d in duty_lists_for(user)
        .filter(year=year, pack_code=pack_code, unit__in=units)
        .prefetch_related(
            Prefetch(
                "items",
                queryset=DutyItem.objects.prefetch_related("checks").order_by("order", "id"),
            )
        )
    }
    pack = latest_pack(pack_code)
    columns = []
    if pack is not None:
        columns = list(
            pack.items.filter(is_area=False, is_retired=False)
            .order_by("order")
            .values_list("code", "name")
        )
    rows = []
    for unit in units:
        duty_list = lists.get(unit.pk)
        cells = {}
        if duty_list is not None:
            for item in duty_list.items.all():
                if item.is_custom:
                    continue
                item.duty_list, item.unit = duty_list, unit
                cells[item.code] = item_progress(item, user=user, subtree=subtree, today=today)
        ordered = [cells.get(code) for code, _name in columns]
        rows.append(OverviewRow(unit=unit, duty_list=duty_list, cells=cells, ordered=ordered))
    return columns, rows


def assignable_people(duty_list: DutyList, user):
    """People who may be made responsible for an item: the unit's users in scope."""
    from luoshi.accounts.models import User

    return User.objects.for_user(user).filter(unit=duty_list.unit, is_active=True)
