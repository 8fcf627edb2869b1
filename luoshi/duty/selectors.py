"""Reads of the duty module: lists in scope and their LIVE progress from the records.

Progress is measured through ``luoshi.core.indicators`` (one measure per item and period,
nothing stored) FOR A USER: a subtree figure counts only the records the user may open. A kind
nobody registered yet is a manual item ticked on the item's page.
"""

from __future__ import annotations

import datetime
import json
import math
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Prefetch, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from luoshi.accounts.models import ResponsibilityPosition, User
from luoshi.core import indicators, metrics
from luoshi.duty.models import DutyCheck, DutyItem, DutyList, Pack, PackItem, TargetType
from luoshi.duty.pack_format import DEFAULT_PACK
from luoshi.duty.periods import periods
from luoshi.units.models import Unit

DONE, ON_TRACK, BEHIND, INACTIVE = "done", "on_track", "behind", "inactive"
NONE_DUE = "none_due"  # a rate with nothing due in any period so far: neither done nor behind
STATUS_CLASSES = {
    DONE: "success",
    ON_TRACK: "warning",
    BEHIND: "danger",
    INACTIVE: "secondary",
    NONE_DUE: "light",
}


def status_label(status: str) -> str:
    return str(
        {
            DONE: _("已完成"),
            ON_TRACK: _("进行中"),
            BEHIND: _("滞后"),
            INACTIVE: _("不考核"),
            NONE_DUE: _("本期无应办事项"),
            ASSESSED: _("考核事项（不含不考核）"),
        }[status]
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
    state: str = "future"  # met | open | missed | future | empty (a rate with nothing due)
    url: str = ""
    check: DutyCheck | None = None

    @property
    def rate(self) -> Decimal | None:
        if not self.total:
            return None
        return (Decimal(self.count or 0) * 100 / self.total).quantize(Decimal("0.1"))

    @property
    def mark(self) -> str:
        return {"met": "✔", "missed": "✘", "open": "…", "future": "—", "empty": "○"}[self.state]


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
    # Over a subtree, a count item is compared with the SUM of the targets of the same item
    # on the duty lists of the units in the subtree (the user may open), not one unit's.
    subtree_target: Decimal | None = None
    target_units: int = 0

    @property
    def goal(self) -> Decimal:
        """The number a count is compared with: the subtree's target, or the unit's own."""
        if self.subtree_target is not None:
            return self.subtree_target
        return Decimal(self.item.target or 0)

    @property
    def status_label(self) -> str:
        return status_label(self.status)

    @property
    def css(self) -> str:
        return STATUS_CLASSES[self.status]

    @property
    def target(self) -> str:
        text = target_text(self.item)
        if self.subtree_target is not None:
            text = _("%(t)s（下级合计：%(n)d 个单位目标之和 %(sum)s 次）") % {
                "t": text,
                "n": self.target_units,
                "sum": _number(self.subtree_target),
            }
        return text

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
            return f"{period.count}/{_number(self.goal)}"
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
    if _is_sum(item):  # a sum (人次, a form's figure): its own unit, not 次
        return _("%(period)s ≥%(t)s") % {"period": item.get_period_display(), "t": target}
    return _("%(period)s ≥%(t)s 次") % {"period": item.get_period_display(), "t": target}


def _is_sum(item: DutyItem) -> bool:
    kind = item.indicator_kind
    return metrics.is_registered(kind) and bool(metrics.get(kind).summed)


def is_figure(item: DutyItem) -> bool:
    """An item measured by a reported figure (统计报表), not by counting records: its value
    arrives once the period's form is accepted, so it is never pro-rated within a period."""
    kind = item.indicator_kind
    return metrics.is_registered(kind) and metrics.get(kind).reported


def _measure_periods(item: DutyItem, user, unit, subtree, periods, today):
    """The item's metric in each of ``periods``, from one query (None: a manual item)."""
    try:
        return indicators.measure_periods(
            item.indicator_kind,
            item.indicator_params,
            user=user,
            unit=unit,
            subtree=subtree,
            periods=periods,
            today=today,
        )
    except (ObjectDoesNotExist, KeyError):  # e.g. an activity type removed from the dictionary
        return None


def _checklist_progress(item, result, checks, today, year_end) -> ItemProgress:
    result.checklist = [{**sub, "check": checks.get(sub["code"])} for sub in item.checklist]
    result.count = sum(1 for s in result.checklist if s["check"] and s["check"].done)
    result.total = len(result.checklist)
    if result.count == result.total:
        result.status = DONE
    elif today > year_end:
        result.status = BEHIND
    result.status = INACTIVE if not item.is_active else result.status
    return result


def _period_state(progress: PeriodProgress, today) -> str:
    if progress.met:
        return "met"
    if progress.start > today:
        return "future"
    if progress.count is not None and progress.total == 0:
        return "empty"
    if progress.end >= today:
        return "open"
    return "missed"


MEASURE = object()  # ``item_progress`` measures the item itself


def year_spans(item: DutyItem, year: int, today: datetime.date):
    """(every period of the year, those started by ``today``, the spans measured: each
    started period, then the whole year)."""
    all_periods = periods(item.period, year)
    started = [p for p in all_periods if p.start <= today]
    spans = [(p.start, p.end) for p in started]
    return all_periods, started, [*spans, (datetime.date(year, 1, 1), datetime.date(year, 12, 31))]


def item_progress(
    item: DutyItem,
    *,
    user,
    subtree: bool = False,
    today: datetime.date | None = None,
    subtree_target: tuple | None = None,
    measured=MEASURE,
) -> ItemProgress:
    """Progress of ``item`` over its list's year, as of ``today``; ``item.checks`` may be
    prefetched. ``subtree``: count the records of the unit and every unit below it, of
    those ``user`` may open; a count is then compared with the subtree's target (the sum
    of the targets of the same item on the lists below, ``subtree_target`` = (sum, units)
    when the caller read it already). One query measures every period and the year, unless
    the caller measured them already: ``measured`` = the item's ``Measure`` of each of
    ``year_spans`` (None: a manual item), e.g. the overview's one query per column."""
    today = today or timezone.localdate()
    year = item.duty_list.year if "duty_list" in item._state.fields_cache else None
    year = year or DutyList.objects.values_list("year", flat=True).get(pk=item.duty_list_id)
    year_end = datetime.date(year, 12, 31)
    checks = {c.key: c for c in item.checks.all()}
    result = ItemProgress(item=item, manual=item.is_manual, status=ON_TRACK)
    if item.target_type == TargetType.CHECKLIST:
        return _checklist_progress(item, result, checks, today, year_end)

    if subtree and item.target_type == TargetType.COUNT and not result.manual:
        if subtree_target is None:
            subtree_target = subtree_targets(item.duty_list, user).get(item.code)
        if subtree_target is not None:
            result.subtree_target, result.target_units = subtree_target
    target = result.goal
    all_periods, started, spans = year_spans(item, year, today)
    if result.manual:
        measured = None
    elif measured is MEASURE:
        measured = _measure_periods(item, user, item.unit, subtree, spans, today)
    result.manual = measured is None
    by_key = dict(zip([p.key for p in started], measured or [], strict=False))
    for period in all_periods:
        found = by_key.get(period.key)
        progress = _period_progress(item, period, found, checks, result.manual, target)
        progress.state = _period_state(progress, today)
        result.periods.append(progress)

    if measured is not None:  # not a manual item
        year_value = measured[-1]
        if len(result.periods) == 1 and result.periods[0].url:
            year_value = measured[0]
        result.count, result.total, result.url = year_value.count, year_value.total, year_value.url
    result.status = _status(item, result, target, today)
    return result


def _period_progress(item, period, found, checks, manual: bool, target) -> PeriodProgress:
    """One period of an item: its manual tick, or its measured count against the target."""
    progress = PeriodProgress(period.key, period.label, period.start, period.end)
    if manual:
        progress.check = checks.get(period.key)
        progress.met = bool(progress.check and progress.check.done)
    elif found is not None:
        progress.count, progress.total, progress.url = found.count, found.total, found.url
        if item.target_type == TargetType.RATE:
            progress.met = bool(found.total) and (
                Decimal(found.count) * 100 >= target * found.total
            )
        else:
            progress.met = found.count >= target
    return progress


def _status(item, result, target, today) -> str:
    counted = [p for p in result.periods if p.state != "empty"]
    if not item.is_active:
        return INACTIVE
    if not counted:
        return NONE_DUE
    if all(p.met for p in counted):
        return DONE
    if any(p.state == "missed" for p in counted):
        return BEHIND
    current = next((p for p in counted if p.state == "open"), None)
    if (
        current is not None
        and not result.manual
        and item.target_type == TargetType.COUNT
        and not is_figure(item)
    ):
        days = (current.end - current.start).days + 1
        elapsed = (today - current.start).days + 1
        if (current.count or 0) < math.floor(target * elapsed / days):
            return BEHIND
    return ON_TRACK


def subtree_targets(duty_list: DutyList, user) -> dict:
    """{item code: (sum of targets, units)} of the active items of the same pack and year
    on the duty lists of ``duty_list``'s unit and every unit below it that ``user`` may
    open: the target of a count measured over the subtree."""
    found = subtree_targets_of(
        [duty_list.unit], user, year=duty_list.year, pack_code=duty_list.pack_code
    )
    return found[duty_list.unit.pk]


def subtree_targets_of(units, user, *, year: int, pack_code: str) -> dict:
    """{unit pk: ``subtree_targets`` of its list}: for each of ``units``, the sum of the
    targets of each count item (its own unit's override, else the pack's) on the lists of
    the unit and every unit below it that ``user`` may open, from one query."""
    units = list(units)
    tops = sorted({u.path for u in units})
    tops = [p for i, p in enumerate(tops) if not any(p.startswith(t) for t in tops[:i])]
    below = Q(pk__in=[])
    for path in tops:
        below |= Q(unit__path__startswith=path)
    rows = (
        DutyItem.objects.for_user(user)
        .filter(
            below,
            duty_list__year=year,
            duty_list__pack_code=pack_code,
            is_dropped=False,
            is_retired=False,
            target_type=TargetType.COUNT,
        )
        .values_list("code", "unit__path", "duty_list__unit", "target_value", "target_override")
    )
    by_path = {unit.path: unit.pk for unit in units}
    sums: dict = {unit.pk: {} for unit in units}
    steplen = units[0].steplen if units else 1
    for code, path, list_unit, value, override in rows:
        for length in range(steplen, len(path) + 1, steplen):
            if path[:length] in by_path:
                sum_ = sums[by_path[path[:length]]].setdefault(code, [Decimal(0), set()])
                sum_[0] += override if override is not None else value or 0
                sum_[1].add(list_unit)
    return {
        pk: {code: (goal, len(seen)) for code, (goal, seen) in codes.items()}
        for pk, codes in sums.items()
    }


def list_progress(duty_list: DutyList, *, user, subtree=False, today=None) -> list[ItemProgress]:
    items = list(  # the items the user may open (a 仅本人 reader: not another's custom item)
        DutyItem.objects.for_user(user)
        .filter(duty_list=duty_list)
        .prefetch_related("checks__recorded_by", "assignees")
        .order_by("order", "id")
    )
    targets = subtree_targets(duty_list, user) if subtree else {}
    for item in items:
        item.duty_list = duty_list
        item.unit = duty_list.unit
    measured = _measured_together(
        items, user=user, unit=duty_list.unit, subtree=subtree, today=today
    )
    return [
        item_progress(
            item,
            user=user,
            subtree=subtree,
            today=today,
            subtree_target=targets.get(item.code, (None, 0)) if subtree else None,
            measured=measured.get(item.pk, MEASURE),
        )
        for item in items
    ]


def _measured_together(items: list[DutyItem], *, user, unit, subtree, today) -> dict:
    """{item pk: its ``Measure`` of each of ``year_spans``} of the items one query measures
    together: those of one kind asking only for its dimension (台账 items by activity type,
    of every period kind). The others are measured by ``item_progress`` one by one."""
    today = today or timezone.localdate()
    groups: dict[str, list[DutyItem]] = {}
    for item in items:
        if not item.is_manual and item.target_type != TargetType.CHECKLIST:
            groups.setdefault(item.indicator_kind, []).append(item)
    found: dict[int, list] = {}
    for kind, members in groups.items():
        if len(members) < 2:
            continue
        spans = {m.pk: year_spans(m, m.duty_list.year, today)[2] for m in members}
        every = sorted(set().union(*spans.values()))
        measures = indicators.measure_dimensions(
            kind,
            [m.indicator_params for m in members],
            user=user,
            unit=unit,
            subtree=subtree,
            periods=every,
            today=today,
        )
        for member, measured in zip(members, measures, strict=True):
            if measured is not None:
                at = dict(zip(every, measured, strict=True))
                found[member.pk] = [at[span] for span in spans[member.pk]]
    return found


def group_by_area(rows: list[ItemProgress]) -> list[tuple[str, list[ItemProgress]]]:
    groups: dict[str, list[ItemProgress]] = {}
    for row in rows:
        groups.setdefault(row.item.area_name or _("本单位增加"), []).append(row)
    return list(groups.items())


STATES = (DONE, ON_TRACK, BEHIND, INACTIVE, NONE_DUE)
# 考核事项: every item but the 不考核 ones (a report's 明确责任事项N项), asked as one state
ASSESSED = "assessed"
ASSESSED_STATES = (DONE, ON_TRACK, BEHIND, NONE_DUE)


def in_state(state: str, asked: str) -> bool:
    """Is an item in progress state ``state`` among the items ``asked`` for?"""
    return state in ASSESSED_STATES if asked == ASSESSED else state == asked


def item_states(rows: list[ItemProgress]) -> dict[int, str]:
    """{item pk: its progress state} of ``rows`` (a list's ``list_progress``)."""
    return {row.item.pk: row.status for row in rows}


def state_values(duty_list: DutyList, rows: list[ItemProgress], *, user, subtree: bool) -> dict:
    """{state: Value}: the list's items in each progress state (``STATES``), counted by the
    metric ``duty_items`` (one ``GROUP BY`` on the state ``rows`` measured), each linking to
    the item list of exactly those items (``duty_list``, ``state`` and ``scope``: the list's
    filter measures them again for the user who opens it)."""
    found = metrics.breakdown_of_object(
        "duty_items",
        user=user,
        params={
            "duty_list": duty_list.pk,
            "scope": "subtree" if subtree else "own",
            "states": item_states(rows),
        },
        fields=("state",),
        cells=[(state,) for state in STATES],
    )
    return {state: found[(state,)] for state in STATES}


def assessed_value(duty_list: DutyList, rows: list[ItemProgress], *, user, subtree: bool):
    """The list's 考核事项 (every item but 不考核) as the metric ``duty_items`` counts them,
    linking to exactly those items."""
    return metrics.of_object(
        "duty_items",
        user=user,
        params={
            "duty_list": duty_list.pk,
            "scope": "subtree" if subtree else "own",
            "states": item_states(rows),
            "state": ASSESSED,
        },
    )


# ---------------------------------------------------------------------------------------------
# Lists, packs, overview


def duty_lists_for(user):
    return DutyList.objects.for_user(user).select_related("unit", "pack", "signed_by")


def items_for(user):
    return DutyItem.objects.for_user(user).select_related("duty_list__pack", "unit", "pack_item")


def default_pack_code() -> str:
    return DEFAULT_PACK.stem


def year_list(user, unit, year: int) -> DutyList | None:
    """The unit's responsibility list of ``year`` in the default pack, as ``user`` may see
    it: the one the dashboard's panel and the reports' duty facts state."""
    lists = duty_lists_for(user).filter(unit=unit, year=year, pack_code=default_pack_code())
    return lists.first()


def progress_url(duty_list: DutyList, *, subtree: bool) -> str:
    """The list's page showing the progress counted: its own unit's, or with the subtree."""
    url = duty_list.get_absolute_url()
    return f"{url}?scope=subtree" if subtree else url


def latest_pack(code: str | None = None) -> Pack | None:
    return Pack.objects.filter(code=code or default_pack_code()).order_by("-version").first()


def latest_packs():
    """The newest version of each pack."""
    packs = {}
    for pack in Pack.objects.order_by("code", "-version"):
        packs.setdefault(pack.code, pack)
    return list(packs.values())


def pack_tree(pack: Pack) -> list[tuple[PackItem | None, list[PackItem]]]:
    """[(area, [items])] of a pack version, retired items last under their area."""
    items = list(pack.items.order_by("order"))
    areas = [i for i in items if i.is_area]
    tree: list[tuple[PackItem | None, list[PackItem]]] = [
        (area, [i for i in items if i.parent_id == area.pk]) for area in areas
    ]
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
    cells = _overview_cells(list(lists.values()), user, subtree=subtree, today=today, parent=parent)
    rows = []
    for unit in units:
        duty_list = lists.get(unit.pk)
        found = cells.get(duty_list.pk, {}) if duty_list is not None else {}
        ordered = [found.get(code) for code, _name in columns]
        rows.append(OverviewRow(unit=unit, duty_list=duty_list, cells=found, ordered=ordered))
    return columns, rows


def _overview_cells(lists: list[DutyList], user, *, subtree: bool, today, parent=None) -> dict:
    """{duty list pk: {item code: ItemProgress}} of the pack's items (custom items left out):
    ``item_progress`` of each, measured once per column (items of the same kind, params and
    period) for every unit and period, and the subtree targets read once."""
    today = today or timezone.localdate()
    targets: dict = {}
    if subtree and lists:
        first = lists[0]
        units = [d.unit for d in lists]
        targets = subtree_targets_of(units, user, year=first.year, pack_code=first.pack_code)
    items = []
    for duty_list in lists:
        for item in duty_list.items.all():
            if not item.is_custom:
                item.duty_list, item.unit = duty_list, duty_list.unit
                items.append(item)
    measured = _measure_columns(items, user, subtree=subtree, today=today, parent=parent)
    cells: dict = {}
    for item in items:
        cells.setdefault(item.duty_list_id, {})[item.code] = item_progress(
            item,
            user=user,
            subtree=subtree,
            today=today,
            subtree_target=targets[item.unit.pk].get(item.code, (None, 0)) if subtree else None,
            measured=measured.get(item.pk),
        )
    return cells


def _measure_columns(items: list[DutyItem], user, *, subtree: bool, today, parent) -> dict:
    """{item pk: [Measure of each of its ``year_spans``]}: one query for every group of
    measured items with the same kind, params and period, whatever their unit (the
    children of ``parent``, if given)."""
    groups: dict = {}
    for item in items:
        if item.target_type != TargetType.CHECKLIST and not item.is_manual:
            params = json.dumps(item.indicator_params or {}, sort_keys=True, default=str)
            groups.setdefault((item.indicator_kind, params, item.period), []).append(item)
    prepared = _prepared_params(groups)
    measured = {}
    for key, group in groups.items():
        kind, first = key[0], group[0]
        spans = year_spans(first, first.duty_list.year, today)[2]
        if prepared[key] is None:  # e.g. an activity type removed: a manual item
            measured.update(dict.fromkeys([item.pk for item in group]))
            continue
        try:
            found = indicators.measure_units(
                kind,
                prepared[key],
                user=user,
                units=list({item.unit.pk: item.unit for item in group}.values()),
                subtree=subtree,
                periods=spans,
                today=today,
                parent=parent,
            )
        except (ObjectDoesNotExist, KeyError):  # e.g. an activity type removed
            found = None
        for item in group:
            measured[item.pk] = None if found is None else found[item.unit.pk]
    return measured


def _prepared_params(groups: dict) -> dict:
    """{column key: its params prepared for the metric layer (None: cannot be)}: the
    columns of one kind from one query (e.g. every 台账 column's activity type id)."""
    by_kind: dict[str, list] = {}
    for key in groups:
        by_kind.setdefault(key[0], []).append(key)
    prepared: dict[tuple, dict | None] = {}
    for kind, keys in by_kind.items():
        params = [groups[key][0].indicator_params for key in keys]
        prepared.update(zip(keys, metrics.prepare_all(kind, params), strict=True))
    return prepared


def positions_set_up(duty_list: DutyList) -> bool:
    """Has the unit its 责任岗位 (第一责任人, 直接责任人, 班子成员) of the list's year?"""
    return ResponsibilityPosition.objects.filter(unit=duty_list.unit, year=duty_list.year).exists()


def assignable_people(duty_list: DutyList, user):
    """People who may be made responsible for an item: the unit's users in scope."""
    return User.objects.for_user(user).filter(unit=duty_list.unit, is_active=True)
