"""Writes of the duty module: loading packs, generating and adjusting duty lists, signing."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import yaml
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from luoshi.accounts.models import ResponsibilityPosition
from luoshi.core.history import written_by
from luoshi.core.workflow import WorkflowError
from luoshi.duty.models import DutyCheck, DutyItem, DutyList, DutyStatus, Pack, PackItem
from luoshi.duty.pack_format import DEFAULT_PACK, PackError, PackIssue, PackSpec, read_pack
from luoshi.duty.workflow import SIGNING

# Fields a duty item copies from its pack item (refreshed when the list moves to a new version).
COPIED = [
    "code",
    "name",
    "description",
    "owner",
    "indicator_kind",
    "indicator_params",
    "checklist",
    "target_type",
    "target_value",
    "period",
    "scoring",
    "order",
    "is_retired",
]
# what a pack file states of an item (the rest of ``COPIED`` is the pack's own bookkeeping)
STATED = [name for name in COPIED if name not in ("order", "is_retired")]


def _values(source, *names: str) -> dict:
    return {name: getattr(source, name) for name in names}


@dataclass
class LoadResult:
    pack: Pack
    created: bool
    upgraded_lists: int = 0


# ---------------------------------------------------------------------------------------------
# Packs


def load_pack_file(path) -> LoadResult:
    """Validate and load the pack at ``path``; ``PackError`` (nothing written) if refused."""
    spec = read_pack(path)
    spec.file = Path(path).name
    return install_pack(spec)


@transaction.atomic
def install_pack(spec: PackSpec) -> LoadResult:
    """Store a validated pack version. Loading the same version again changes nothing;
    a new version carries the previous version's removed items as 已停用 and moves every
    unsigned duty list of the pack to it, keeping the lists' data."""
    existing = Pack.objects.filter(code=spec.code, version=spec.version).first()
    if existing is not None:
        if existing.source == spec.source or _same_content(existing.source, spec.source):
            return LoadResult(pack=existing, created=False)
        raise PackError(
            [
                PackIssue(
                    spec.file,
                    1,
                    _("责任包「%(code)s」第 %(v)d 版已载入且内容不同；修改责任包须提高 version。")
                    % {"code": spec.code, "v": spec.version},
                )
            ]
        )
    latest = Pack.objects.filter(code=spec.code).order_by("-version").first()
    if latest is not None and latest.version > spec.version:
        raise PackError(
            [
                PackIssue(
                    spec.file,
                    1,
                    _("已载入更高的第 %(latest)d 版，不能载入第 %(v)d 版。")
                    % {"latest": latest.version, "v": spec.version},
                )
            ]
        )
    pack = Pack.objects.create(
        source_name=spec.file,
        **_values(spec, "code", "version", "name", "description", "source", "grades"),
    )
    areas = {}
    order = 0
    for area in spec.areas:
        order += 1
        areas[area.code] = PackItem.objects.create(
            pack=pack,
            is_area=True,
            order=order * 10,
            **_values(area, "code", "name", "description", "line"),
        )
    for item in spec.items:
        order += 1
        PackItem.objects.create(
            pack=pack,
            parent=areas.get(item.area_code),
            order=order * 10,
            **_values(item, *STATED, "line"),
        )
    upgraded = 0
    if latest is not None:
        _carry_retired(latest, pack, areas, order)
        for duty_list in DutyList.objects.filter(pack__code=spec.code, status=DutyStatus.DRAFT):
            upgrade_duty_list(duty_list=duty_list, pack=pack)
            upgraded += 1
    return LoadResult(pack=pack, created=True, upgraded_lists=upgraded)


def _same_content(old: str, new: str) -> bool:
    """Equal once parsed: comments and layout are not a change of the pack."""
    try:
        return yaml.safe_load(old) == yaml.safe_load(new)
    except yaml.YAMLError:
        return False


def _carry_retired(previous: Pack, pack: Pack, areas: dict, order: int) -> None:
    """Items of ``previous`` missing from ``pack`` stay in it, marked 已停用, so lists that
    hold them keep their data and show them as discontinued."""
    present = set(pack.items.values_list("code", flat=True))
    for old in previous.items.filter(is_area=False).select_related("parent"):
        if old.code in present:
            continue
        order += 1
        parent = areas.get(old.parent.code) if old.parent is not None else None
        PackItem.objects.create(
            pack=pack,
            parent=parent,
            order=order * 10,
            is_retired=True,
            **_values(old, *STATED),
            line=0,
        )


def ensure_default_pack() -> Pack:
    """Load the bundled 意识形态工作责任制 pack unless that version is already loaded."""
    return load_pack_file(DEFAULT_PACK).pack


# ---------------------------------------------------------------------------------------------
# Duty lists


def _default_assignees(unit, year) -> dict[str, list[int]]:
    holders: dict[str, list[int]] = {}
    for position, user_id in ResponsibilityPosition.objects.filter(
        unit=unit, year=year
    ).values_list("position", "user_id"):
        holders.setdefault(position, []).append(user_id)
    return holders


def _copy(pack_item: PackItem) -> dict:
    values = _values(pack_item, *COPIED)
    area = pack_item.parent
    values["area_code"] = area.code if area else ""
    values["area_name"] = area.name if area else ""
    return values


def _add_items(duty_list: DutyList, pack_items, user) -> int:
    holders = _default_assignees(duty_list.unit, duty_list.year)
    added = 0
    for pack_item in pack_items:
        item = DutyItem(
            duty_list=duty_list,
            unit=duty_list.unit,
            created_by=user,
            pack_item=pack_item,
            **_copy(pack_item),
        )
        written_by(item, user)
        item.save()
        people = holders.get(pack_item.owner, [])
        if people:
            item.assignees.set(people)
        added += 1
    return added


@transaction.atomic
def generate_duty_list(*, unit, year: int, pack: Pack, user=None) -> DutyList:
    """The duty list of ``unit`` for ``year`` from ``pack``: created with the pack's items
    and default assignees from the unit's responsibility positions of that year.
    Idempotent: an existing list is returned as it is (only items it lacks are added)."""
    duty_list, created = DutyList.objects.get_or_create(
        unit=unit,
        year=year,
        pack_code=pack.code,
        defaults={"pack": pack, "created_by": user},
    )
    have = set(duty_list.items.values_list("code", flat=True))
    missing = (
        duty_list.pack.items.filter(is_area=False, is_retired=False)
        .exclude(code__in=have)
        .select_related("parent")
    )
    _add_items(duty_list, missing, user)
    return duty_list


@transaction.atomic
def upgrade_duty_list(*, duty_list: DutyList, pack: Pack, user=None) -> DutyList:
    """Move ``duty_list`` to ``pack`` (a newer version of its pack): items matched by code
    keep their overrides, drops, assignees, ticks and evidence; new items are added; items
    the new version removed stay on the list as 已停用; custom items are untouched."""
    if pack.code != duty_list.pack_code:
        raise ValueError("a duty list moves only to another version of its own pack")
    new_items = {i.code: i for i in pack.items.filter(is_area=False).select_related("parent")}
    for item in duty_list.items.filter(is_custom=False):
        pack_item = new_items.get(item.code)
        if pack_item is None:  # not even carried as retired (e.g. loaded out of order)
            item.is_retired = True
        else:
            item.pack_item = pack_item
            for name, value in _copy(pack_item).items():
                setattr(item, name, value)
        written_by(item, user)
        item.save()
    have = set(duty_list.items.values_list("code", flat=True))
    _add_items(
        duty_list,
        [i for code, i in new_items.items() if code not in have and not i.is_retired],
        user,
    )
    duty_list.pack = pack
    duty_list.save(update_fields=["pack", "updated_at"])
    return duty_list


def require_draft(duty_list: DutyList) -> None:
    if duty_list.status != DutyStatus.DRAFT:
        raise WorkflowError(_("责任书已签署，不能再调整清单；如需调整，请先撤回签署。"))


@transaction.atomic
def add_custom_item(
    *,
    duty_list: DutyList,
    user,
    name: str,
    area_name: str,
    owner: str,
    target_type: str,
    target_value,
    period: str,
    description: str = "",
    activity_type=None,
    indicator: tuple[str, dict] | None = None,
) -> DutyItem:
    require_draft(duty_list)
    kind, params = indicator or ("manual", {})
    if activity_type is not None:
        kind, params = "ledger_count", {"activity_type": activity_type.code}
    number = duty_list.items.filter(is_custom=True).count() + 1
    while duty_list.items.filter(code=f"C{number:02d}").exists():
        number += 1
    last = duty_list.items.aggregate(m=Max("order"))["m"] or 0
    area = duty_list.items.filter(area_name=area_name).exclude(area_code="").first()
    item = DutyItem(
        duty_list=duty_list,
        unit=duty_list.unit,
        created_by=user,
        code=f"C{number:02d}",  # upper case: never a pack code, so never clashes on upgrade
        name=name,
        description=description,
        area_code=area.area_code if area else "",
        area_name=area_name,
        order=last + 10,
        owner=owner,
        indicator_kind=kind,
        indicator_params=params,
        target_type=target_type,
        target_value=target_value,
        period=period,
        is_custom=True,
    )
    written_by(item, user)
    item.save()
    holders = _default_assignees(duty_list.unit, duty_list.year).get(owner, [])
    if holders:
        item.assignees.set(holders)
    return item


def _save(item: DutyItem, user, fields: list[str]) -> DutyItem:
    written_by(item, user)
    item.save(update_fields=[*fields, "updated_at"])
    return item


@transaction.atomic
def drop_item(*, item: DutyItem, reason: str, user) -> DutyItem:
    require_draft(item.duty_list)
    if not reason.strip():
        raise WorkflowError(_("删减责任项须填写理由。"))
    item.is_dropped, item.drop_reason = True, reason.strip()
    return _save(item, user, ["is_dropped", "drop_reason"])


@transaction.atomic
def restore_item(*, item: DutyItem, user) -> DutyItem:
    require_draft(item.duty_list)
    item.is_dropped, item.drop_reason = False, ""
    return _save(item, user, ["is_dropped", "drop_reason"])


@transaction.atomic
def override_target(*, item: DutyItem, value: Decimal | None, reason: str, user) -> DutyItem:
    require_draft(item.duty_list)
    if value is not None and not reason.strip():
        raise WorkflowError(_("调整目标须填写理由。"))
    item.target_override = value
    item.override_reason = reason.strip() if value is not None else ""
    return _save(item, user, ["target_override", "override_reason"])


@transaction.atomic
def assign(*, item: DutyItem, people, user) -> DutyItem:
    require_draft(item.duty_list)
    written_by(item, user)
    item.assignees.set(people)
    item.save(update_fields=["updated_at"])
    return item


@transaction.atomic
def record_checks(*, item: DutyItem, keys: list[str], done: set[str], note: str, user) -> int:
    """Tick/untick the manual ``keys`` of ``item`` (checklist sub-items or periods);
    returns how many changed. Who and when is kept on each tick."""
    now = timezone.now()
    current = {c.key: c for c in item.checks.all()}
    changed = 0
    for key in keys:
        check = current.get(key)
        is_done = key in done
        if check is None and not is_done:
            continue
        if check is not None and check.done == is_done and (not note or check.note == note):
            continue
        if check is None:
            check = DutyCheck(item=item, key=key)
        check.done, check.recorded_by, check.recorded_at = is_done, user, now
        if note:
            check.note = note[:200]
        written_by(check, user)
        check.save()
        changed += 1
    return changed


def sign(*, duty_list: DutyList, user):
    """Sign the 责任书: draft → signed, with signer and time (``WorkflowError`` if refused,
    e.g. already signed or no 签署 permission)."""
    return SIGNING.apply(duty_list, "sign", user=user, signed_by=user, signed_at=timezone.now())


def reopen(*, duty_list: DutyList, user, comment: str):
    return SIGNING.apply(
        duty_list, "reopen", user=user, comment=comment, signed_by=None, signed_at=None
    )
