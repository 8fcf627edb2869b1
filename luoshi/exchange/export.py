"""Export a unit-year (optionally with its subtree) as a data package (see docs/data-package.md)."""

from __future__ import annotations

import datetime
import hashlib
import json
import zipfile
from collections import defaultdict
from dataclasses import dataclass, field

from django.contrib.contenttypes.models import ContentType
from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import Q
from django.utils import timezone

from luoshi.accounts.models import User
from luoshi.evidence.storage import active_store
from luoshi.exchange.models import Deployment
from luoshi.exchange.registry import ENTRIES, entry_for, exported_fields, m2m_fields, reference_key
from luoshi.units.models import Unit, UnitYearStat

FORMAT = "luoshi-package"
VERSION = 1


def package_id(source: str, obj) -> str:
    return f"{source}:{obj._meta.label_lower}:{obj.pk}"


def package_units(root: Unit, subtree: bool) -> list[Unit]:
    if subtree:
        return list(Unit.objects.filter(path__startswith=root.path).select_related("unit_type"))
    return [root]


def _year_q(model, lookup: str, year: int) -> Q:
    return (
        Q(**{f"{lookup}__year": year})
        if model._meta.get_field(lookup).get_internal_type()
        in {
            "DateField",
            "DateTimeField",
        }
        else Q(**{lookup: year})
    )


def select(root: Unit, year: int, subtree: bool) -> dict[str, list]:
    """The rows of every registry entry for the unit-year: {label: [objects ordered by pk]}."""
    unit_ids = [u.pk for u in package_units(root, subtree)]
    chosen: dict[str, list] = {}
    owners: dict[int, set[int]] = defaultdict(set)  # content type id → selected pks
    for entry in ENTRIES:
        model = entry.model
        queryset = model._default_manager.all()
        if entry.attached:
            condition = Q(pk__in=[])
            for ct_id, ids in owners.items():
                condition |= Q(content_type_id=ct_id, object_id__in=sorted(ids))
            queryset = queryset.filter(condition)
        if entry.unit:
            condition = Q()
            for lookup in entry.unit:
                condition |= Q(**{f"{lookup}__in": unit_ids})
            queryset = queryset.filter(condition)
        if entry.year:
            queryset = queryset.filter(_year_q(model, entry.year, year))
        if entry.parent:
            parent_model = model._meta.get_field(entry.parent).related_model
            parent_ids = [o.pk for o in chosen[parent_model._meta.label_lower]]
            queryset = queryset.filter(**{f"{entry.parent}__in": parent_ids})
        rows = list(queryset.distinct().order_by("pk"))
        chosen[entry.label] = rows
        if rows:
            ct = ContentType.objects.get_for_model(model)
            owners[ct.id].update(o.pk for o in rows)
    return chosen


@dataclass
class Collector:
    """Natural keys of referenced rows, users and units met while serializing."""

    source: str
    included: set[str] = field(default_factory=set)
    users: dict[int, object] = field(default_factory=dict)
    units: dict[int, object] = field(default_factory=dict)
    omitted: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    cleared: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    _ref_cache: dict = field(default_factory=dict)

    def reference(self, model, pk):
        cache_key = (model._meta.label_lower, pk)
        if cache_key not in self._ref_cache:
            lookups = reference_key(model)
            values = model._default_manager.filter(pk=pk).values_list(*lookups).get()
            self._ref_cache[cache_key] = list(values)
            if model._meta.label_lower == "accounts.user":
                self.users[pk] = values[0]
            if model._meta.label_lower == "units.unit":
                self.units[pk] = values[0]
        return self._ref_cache[cache_key]


class Omit(Exception):
    pass


def serialize(obj, collector: Collector) -> dict:
    model = type(obj)
    label = model._meta.label_lower
    entry = entry_for(model)
    fields = {}
    for f in exported_fields(model):
        value = f.value_from_object(obj)
        if entry.attached and f.name == "object_id":
            owner_ct = ContentType.objects.get_for_id(obj.content_type_id)
            key = f"{collector.source}:{owner_ct.app_label}.{owner_ct.model}:{value}"
            fields[f.name] = key
            continue
        if f.is_relation:
            if value is None:
                fields[f.name] = None
            elif entry_for(f.related_model) is not None:
                key = f"{collector.source}:{f.related_model._meta.label_lower}:{value}"
                if key not in collector.included:
                    if not f.null:
                        raise Omit(f.name)
                    collector.cleared[f"{label}.{f.name}"] += 1
                    key = None
                fields[f.name] = key
            else:
                fields[f.name] = collector.reference(f.related_model, value)
            continue
        if f.get_internal_type() == "FileField":
            value = value.name if value else ""
        fields[f.name] = value
    m2m = {}
    for f in m2m_fields(model):
        ids = sorted(getattr(obj, f.name).values_list("pk", flat=True))
        if entry_for(f.related_model) is not None:
            keys = [f"{collector.source}:{f.related_model._meta.label_lower}:{pk}" for pk in ids]
            m2m[f.name] = [k for k in keys if k in collector.included]
        else:
            m2m[f.name] = [collector.reference(f.related_model, pk) for pk in ids]
    return {"id": package_id(collector.source, obj), "fields": fields, "m2m": m2m}


def _dumps(data) -> bytes:
    return json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=1).encode()


def _record_members(chosen: dict, collector: Collector, source: str) -> tuple[dict, dict, dict]:
    """records/<label>.json of every entry, and the evidence files they hold:
    (members, counts per label, {sha256: stored name})."""
    members: dict[str, bytes] = {}
    counts = {}
    evidence_files = {}
    for entry in ENTRIES:
        serialized = []
        for obj in chosen[entry.label]:
            try:
                serialized.append(serialize(obj, collector))
            except Omit:
                collector.omitted[entry.label] += 1
                collector.included.discard(package_id(source, obj))
                continue
            if entry.label == "evidence.evidence" and obj.kind == "file" and obj.sha256:
                evidence_files[obj.sha256] = obj.file.name
        counts[entry.label] = len(serialized)
        members[f"records/{entry.label}.json"] = _dumps(serialized)
    store = active_store()
    for sha, name in sorted(evidence_files.items()):
        with store.open(name) as handle:
            members[f"evidence/{sha}"] = handle.read()
    return members, counts, evidence_files


def _unit_rows(units: list[Unit], year: int) -> list[dict]:
    """units.json rows: each unit of the package with its parent's code and the year's
    party members."""
    stats = {
        s.unit_id: s.party_members for s in UnitYearStat.objects.filter(unit__in=units, year=year)
    }
    unit_rows = []
    for unit in units:
        parent = Unit.objects.get_parent(unit)
        unit_rows.append(
            {
                "code": unit.code,
                "name": unit.name,
                "short_name": unit.short_name,
                "type": unit.unit_type.code,
                "parent": parent.code if parent else None,
                "order": unit.order,
                "is_active": unit.is_active,
                "party_members": {str(year): stats[unit.pk]} if unit.pk in stats else {},
            }
        )
    return unit_rows


def _user_rows(collector: Collector) -> list[dict]:
    """users.json rows: the accounts the records name (username, name, unit code)."""
    return [
        {
            "username": u.username,
            "full_name": u.full_name,
            "unit": u.unit.code if u.unit_id else None,
        }
        for u in User.objects.filter(pk__in=collector.users)
        .select_related("unit")
        .order_by("username")
    ]


def build_package(root: Unit, year: int, *, subtree: bool, out) -> dict:
    """Write the package zip to ``out`` (a path or binary file); returns the manifest."""
    source = Deployment.current_key()
    chosen = select(root, year, subtree)
    collector = Collector(source=source)
    for rows in chosen.values():
        collector.included.update(package_id(source, o) for o in rows)
    members, counts, evidence_files = _record_members(chosen, collector, source)

    units = package_units(root, subtree)
    unit_codes = {u.code for u in units}
    unit_rows = _unit_rows(units, year)
    external = sorted(code for code in collector.units.values() if code not in unit_codes)
    members["units.json"] = _dumps({"root": root.code, "units": unit_rows, "external": external})
    users = _user_rows(collector)
    members["users.json"] = _dumps(users)

    manifest = {
        "format": FORMAT,
        "version": VERSION,
        "created_at": timezone.now().isoformat(),
        "source": source,
        "root_unit": root.code,
        "year": year,
        "subtree": subtree,
        "counts": {"units": len(unit_rows), "users": len(users), **counts},
        "evidence_files": len(evidence_files),
        "omitted": dict(collector.omitted),
        "cleared_links": dict(collector.cleared),
        "checksums": {name: hashlib.sha256(data).hexdigest() for name, data in members.items()},
    }
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("manifest.json", _dumps(manifest))
        for name, data in members.items():
            archive.writestr(name, data)
    return manifest


def default_filename(root: Unit, year: int, subtree: bool) -> str:
    stamp = datetime.datetime.now().strftime("%Y%m%d%H%M")
    return f"luoshi-{root.code}-{year}{'-subtree' if subtree else ''}-{stamp}.zip"
