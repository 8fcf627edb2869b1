"""Import a data package: read safely, verify, validate every row, then write it all or nothing.

Everything happens inside one database transaction: units, placeholder users and rows are
written, each row through ``full_clean()`` after its links are mapped and scope-checked (every
unit, person and matched row within the importing user's scope; people never matched to this
deployment's accounts; workflow states and signatures only for the source's own units; on this
deployment's own units nothing changed in, added to or attached to a final record); any
problem (or a dry run) rolls the transaction back, so nothing is left behind. Evidence files
pass the upload checks and are written last, still inside the transaction, through the
evidence store (names from the checked bytes, existing blobs verified): if the transaction
then fails the files are unreferenced duplicates nobody can see, and no row ever points at a
file that is not there. The rules: docs/data-package.md.
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import tempfile
import zipfile
import zlib
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import PurePosixPath

from django.apps import apps
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.files.base import File
from django.db import IntegrityError, transaction

from luoshi.accounts.models import User
from luoshi.core import parameters, registry
from luoshi.core.labels import current_app_label, current_key, current_label, label_aliases
from luoshi.core.workflow import frozen_label
from luoshi.evidence.models import Evidence
from luoshi.evidence.services import storage_name, store_blob
from luoshi.evidence.validation import check_upload
from luoshi.exchange.export import FORMAT, VERSION
from luoshi.exchange.models import Deployment, ImportedObject
from luoshi.exchange.registry import BY_LABEL, ENTRIES, exported_fields, m2m_fields, reference_key
from luoshi.units.models import Unit, UnitType, UnitYearStat

MAX_RATIO = 200  # a member may not unpack to more than 200 times its compressed size


@dataclass(frozen=True)
class Problem:
    member: str
    row: int | None = None
    field: str = ""
    reason: str = ""

    def __str__(self):
        where = self.member
        if self.row is not None:
            where += f" 第 {self.row} 条"
        if self.field:
            where += f" 字段“{self.field}”"
        return f"{where}：{self.reason}"


class PackageRefused(Exception):
    def __init__(self, problems: list[Problem]):
        super().__init__("\n".join(str(p) for p in problems))
        self.problems = problems


@dataclass
class Report:
    sha256: str = ""
    manifest: dict = field(default_factory=dict)
    dry_run: bool = False
    new: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    updated: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    unchanged: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    placeholders: list[str] = field(default_factory=list)
    units_created: list[str] = field(default_factory=list)
    files_written: int = 0
    skipped_steps: int = 0
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self):
        return not self.problems

    def totals(self):
        return sum(self.new.values()), sum(self.updated.values()), sum(self.unchanged.values())

    def summary(self) -> str:
        new, updated, unchanged = self.totals()
        return f"{new} 条新增，{updated} 条更新，{unchanged} 条未变"

    def as_dict(self, limit: int = 200) -> dict:
        """The report as JSON for a background job's result (``exchange/_report.html``)."""
        return {
            "ok": self.ok,
            "problems": [str(p) for p in self.problems[:limit]],
            "problem_count": len(self.problems),
            "summary": self.summary(),
            "rows": [{**row, "name": str(row["name"])} for row in self.rows()],
            "placeholders": self.placeholders,
            "units_created": self.units_created,
            "skipped_steps": self.skipped_steps,
            "manifest": {k: self.manifest.get(k) for k in ("source", "root_unit", "year")},
            "sha256": self.sha256,
        }

    def rows(self):
        labels = sorted(set(self.new) | set(self.updated) | set(self.unchanged))

        return [
            {
                "label": label,
                "name": apps.get_model(label)._meta.verbose_name,
                "new": self.new.get(label, 0),
                "updated": self.updated.get(label, 0),
                "unchanged": self.unchanged.get(label, 0),
            }
            for label in labels
        ]


class _Rollback(Exception):
    pass


# --------------------------------------------------------------------------- reading

# The members a package may hold (docs/data-package.md); anything else refuses it.
MEMBER_NAME = re.compile(
    r"(manifest|units|users)\.json|records/[a-z0-9_]+\.[a-z0-9_]+\.json|evidence/[0-9a-f]{64}"
)
CHUNK = 1024 * 1024


def limits() -> dict[str, int]:
    """The reading limits, from settings (docs/data-package.md, "Import rules")."""
    return {
        "members": getattr(settings, "EXCHANGE_MAX_MEMBERS", 50_000),
        "unpacked": getattr(settings, "EXCHANGE_MAX_UNPACKED_BYTES", 512 * 1024**2),
        "json": getattr(settings, "EXCHANGE_MAX_JSON_BYTES", 64 * 1024**2),
        "file": parameters.value("evidence_max_bytes"),
    }


class _TooBig(Exception):
    pass


@dataclass
class Package:
    """A verified package: the manifest, and the zip whose members are read one at a time,
    in chunks, within their limits (a JSON member when its rows are imported, an evidence
    file copied to a temporary file when it is checked and stored)."""

    archive: zipfile.ZipFile
    manifest: dict
    sha: str
    json: set[str]
    files: set[str]

    def __contains__(self, name: str) -> bool:
        return name in self.json or name in self.files

    def read_json(self, name: str) -> bytes:
        digest, content = _stream(self.archive, self.archive.getinfo(name), limits()["json"], True)
        if digest != self.manifest["checksums"][name]:
            raise PackageRefused([Problem(name, reason="SHA-256 校验值不符，文件已被篡改或损坏")])
        return content

    def open_file(self, name: str):
        """A temporary copy of evidence member ``name`` (its size was checked on reading)."""
        handle = tempfile.TemporaryFile()  # noqa: SIM115 - the caller closes it
        with self.archive.open(name) as member:
            shutil.copyfileobj(member, handle, CHUNK)
        handle.seek(0)
        return handle


def _stream(archive, info, limit: int, keep: bool) -> tuple[str, bytes]:
    """(sha256, the bytes if ``keep``) of a member read in chunks, never past ``limit``."""
    digest, chunks, total = hashlib.sha256(), [], 0
    with archive.open(info) as handle:
        for chunk in iter(lambda: handle.read(CHUNK), b""):
            total += len(chunk)
            if total > limit:
                raise _TooBig
            digest.update(chunk)
            if keep:
                chunks.append(chunk)
    return digest.hexdigest(), b"".join(chunks)


def _member_limit(name: str, bounds: dict) -> int:
    return bounds["file"] if name.startswith("evidence/") else bounds["json"]


def _check_table(infos, bounds: dict) -> list[Problem]:
    """Refusals from the zip's table of contents alone, before any member is unpacked."""
    problems = []
    if len(infos) > bounds["members"]:
        problems.append(
            Problem("数据包", reason=f"成员数 {len(infos)} 超过上限 {bounds['members']}")
        )
    total = 0
    for info in infos:
        name = info.filename
        path = PurePosixPath(name)
        if name.startswith(("/", "\\")) or ".." in path.parts or ":" in name or "\\" in name:
            problems.append(Problem(name, reason="成员路径不安全（绝对路径或包含 ..）"))
            continue
        if not MEMBER_NAME.fullmatch(name):
            problems.append(Problem(name, reason="数据包中不应有此文件"))
            continue
        total += info.file_size
        if info.file_size > _member_limit(name, bounds):
            problems.append(
                Problem(
                    name,
                    reason=f"解压后 {info.file_size} 字节，超过单个文件上限 "
                    f"{_member_limit(name, bounds)} 字节",
                )
            )
        elif info.compress_size and info.file_size > MAX_RATIO * max(info.compress_size, 1024):
            problems.append(Problem(name, reason="压缩比异常（疑似压缩炸弹）"))
    if total > bounds["unpacked"]:
        problems.append(
            Problem("数据包", reason=f"解压后大小 {total} 字节超过上限 {bounds['unpacked']}")
        )
    return problems


def _read_manifest(archive, names) -> dict:
    if "manifest.json" not in names:
        raise PackageRefused([Problem("manifest.json", reason="缺少清单文件")])
    try:
        manifest = json.loads(archive.read("manifest.json"))
    except ValueError as exc:
        raise PackageRefused([Problem("manifest.json", reason=f"不是有效的 JSON：{exc}")]) from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise PackageRefused([Problem("manifest.json", field="format", reason="不是洛书数据包")])
    if manifest.get("version") != VERSION:
        raise PackageRefused(
            [
                Problem(
                    "manifest.json",
                    field="version",
                    reason=f"不支持的格式版本 {manifest.get('version')}（本系统支持 {VERSION}）",
                )
            ]
        )
    return manifest


def _digest(fileobj) -> str:
    fileobj.seek(0)
    digest = hashlib.sha256()
    for chunk in iter(lambda: fileobj.read(CHUNK), b""):
        digest.update(chunk)
    fileobj.seek(0)
    return digest.hexdigest()


def read_package(fileobj, progress=None) -> Package:
    """The verified package in ``fileobj``; refuses unsafe or tampered packages.

    Sizes are checked on the table of contents before anything is unpacked, then every
    member is streamed in chunks (and never past its limit, whatever its header claims)
    to check its SHA-256; nothing is kept in memory but the manifest. ``progress(done,
    total)``: members checked so far (this runs outside the import's transaction, so a
    background job's page shows it)."""
    bounds = limits()
    sha = _digest(fileobj)
    try:
        archive = zipfile.ZipFile(fileobj)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError):
        raise PackageRefused([Problem("数据包", reason="不是有效的 zip 文件")]) from None
    infos = archive.infolist()
    problems = _check_table(infos, bounds)
    if problems:
        raise PackageRefused(problems)
    names = {i.filename for i in infos}
    manifest = _read_manifest(archive, names)
    checksums = manifest.get("checksums")
    checksums = checksums if isinstance(checksums, dict) else {}
    data, files = set(), set()
    for done, info in enumerate(sorted(infos, key=lambda i: i.filename)):
        if progress is not None:
            progress(done, len(infos))
        name = info.filename
        if name == "manifest.json":
            continue
        found = _check_member(archive, info, checksums.get(name), bounds)
        problems.extend(found)
        if not found:
            (files if name.startswith("evidence/") else data).add(name)
    for name in sorted(set(checksums) - names):
        problems.append(Problem(name, reason="清单列出的文件在数据包中不存在"))
    if problems:
        raise PackageRefused(problems)
    return Package(archive=archive, manifest=manifest, sha=sha, json=data, files=files)


def _check_member(archive, info, expected: str | None, bounds) -> list[Problem]:
    """What is wrong with one member of the package (nothing: it is listed in the manifest,
    unpacks within its limit, and its SHA-256 is the manifest's and, for evidence, its
    name)."""
    name = info.filename
    if expected is None:
        return [Problem(name, reason="清单中没有此文件的校验值")]
    try:
        digest, _content = _stream(archive, info, _member_limit(name, bounds), False)
    except _TooBig:
        return [Problem(name, reason="解压后超过单个文件上限")]
    except (zipfile.BadZipFile, OSError, EOFError, zlib.error):
        return [Problem(name, reason="文件已损坏，无法解压")]
    problems = []
    if digest != expected:
        problems.append(Problem(name, reason="SHA-256 校验值不符，文件已被篡改或损坏"))
    if name.startswith("evidence/") and digest != name[9:]:
        problems.append(Problem(name, reason="佐证文件内容与其 SHA-256 文件名不符"))
    return problems


def _load_json(package, name):
    if name not in package.json:
        raise PackageRefused([Problem(name, reason="缺少此文件")])
    try:
        return json.loads(package.read_json(name))
    except _TooBig:
        raise PackageRefused([Problem(name, reason="解压后超过单个文件上限")]) from None
    except ValueError as exc:
        raise PackageRefused([Problem(name, reason=f"不是有效的 JSON：{exc}")]) from None


# --------------------------------------------------------------------------- importing


def _member(package, label: str) -> str | None:
    """The package member of ``label``'s rows (a package made before the app label was
    renamed names it by the old label: ``luoshi.core.labels``)."""
    names = [f"records/{alias}.json" for alias in label_aliases(label)]
    return next((name for name in names if name in package), None)


def _current(entry, f, value):
    """``value`` of field ``f`` with the labels it names made current: row keys, content
    types and the fields that store labels (``registry.stored_label``)."""
    if isinstance(value, str) and (
        (entry.attached and f.name == "object_id")
        or (f.is_relation and f.related_model._meta.label_lower in BY_LABEL)
    ):
        return current_key(value)
    if f.is_relation and f.related_model is ContentType and isinstance(value, list) and value:
        return [current_app_label(str(value[0])), *value[1:]]
    for stored in registry.STORED_LABELS:
        if (
            isinstance(value, str)
            and stored.field == f.name
            and entry.label == stored.model.lower()
        ):
            return current_key(value) if stored.kind == "key" else current_label(value)
    return value


def _current_row(entry, row: dict) -> dict:
    """A package row with the labels it names made current (``_current``)."""
    fields = row.get("fields") if isinstance(row.get("fields"), dict) else {}
    by_name = {f.name: f for f in exported_fields(entry.model)}
    fields = {
        name: _current(entry, by_name[name], value) if name in by_name else value
        for name, value in fields.items()
    }
    links = row.get("m2m") if isinstance(row.get("m2m"), dict) else {}
    links = {
        name: [current_key(v) if isinstance(v, str) else v for v in values]
        if isinstance(values, list)
        else values
        for name, values in links.items()
    }
    key = row.get("id", "")
    key = current_key(key) if isinstance(key, str) else key
    return {**row, "id": key, "fields": fields, "m2m": links}


class _Refused(Exception):
    """A link of a row that may not be written (Chinese reason)."""


def _unit_pk(model, source) -> int | None:
    """The unit a row belongs to, through the model's scope path (``unit``,
    ``item__unit``...), read from ``source``: the row's mapped values or an existing object."""
    parts = model.scope_spec.unit.split("__")
    target = source.get(parts[0]) if isinstance(source, dict) else getattr(source, parts[0])
    for part in parts[1:]:
        if target is None:
            return None
        target = getattr(target, part)
    return getattr(target, "pk", None)


def _owner(entry, values):
    """The record a row belongs to, from its mapped values: the owner of an evidence row
    (``attached``), the ``frozen_with`` parent of a part of a record, else None."""
    if entry.attached:
        return values["content_type"].get_object_for_this_type(pk=values["object_id"])
    parent = getattr(entry.model, "frozen_with", None)
    return values.get(parent) if parent else None


class _Importer:
    def __init__(self, package: Package, *, user, parent, report):
        self.package = package
        self.manifest = package.manifest
        self.source = str(package.manifest.get("source") or "")
        self.user = user
        self.parent = parent
        self.report = report
        self.keys: dict[str, object] = {}  # package id → local object
        self.failed: set[str] = set()
        self.refs: dict[tuple, object] = {}
        self.people: dict[str, object] = {}  # package username → local (placeholder) user
        self.users_info = {}
        # evidence member → [(file name to check it under, planned storage name)]
        self.pending_files: dict[str, list] = defaultdict(list)
        # Units the importer may write into (None: the command line, every unit), and the
        # source's own units (created by an import of this source): only their rows keep
        # the workflow states and signatures the package carries.
        self.allowed = None
        if user is not None and not user.is_superuser:
            self.allowed = set(Unit.objects.for_user(user).values_list("pk", flat=True))
        self.source_units: set[int] = set()

    def problem(self, *args, **kwargs):
        self.report.problems.append(Problem(*args, **kwargs))

    def in_scope(self, unit_pk) -> bool:
        return self.allowed is None or unit_pk in self.allowed

    def source_key(self, label, natural) -> str:
        return f"{self.source}:{label}:{natural}"

    # units ---------------------------------------------------------------
    def import_units(self):
        data = _load_json(self.package, "units.json")
        year = self.manifest.get("year")
        by_code = {}
        for index, row in enumerate(data.get("units", []), start=1):
            code = row.get("code")
            existing = Unit.objects.filter(code=code).first()
            if existing is not None:
                if not self.in_scope(existing.pk):
                    self.problem(
                        "units.json", index, "code", f"单位 {code} 已存在但不在您的管理范围内"
                    )
                    continue
                unit = existing
                if self.mapped(Unit, self.source_key("units.unit", code)) == unit:
                    self.source_units.add(unit.pk)
            else:
                unit = self.create_unit(data, index, row, by_code)
                if unit is None:
                    continue
            by_code[code] = unit
            for stat_year, members in (row.get("party_members") or {}).items():
                if int(stat_year) != year:
                    continue
                stat = UnitYearStat.objects.filter(unit=unit, year=year).first()
                if stat is None:
                    UnitYearStat.objects.create(unit=unit, year=year, party_members=members)
                elif stat.party_members != members:
                    stat.party_members = members
                    stat.save()

    def create_unit(self, data, index, row, by_code):
        code = row.get("code")
        unit_type = UnitType.objects.filter(code=row.get("type")).first()
        if unit_type is None:
            self.problem("units.json", index, "type", f"单位类型编码 {row.get('type')} 不存在")
            return None
        if code == data.get("root"):
            parent = self.parent
            if parent is None and self.user is not None:
                self.problem("units.json", index, "parent", f"单位 {code} 不存在，请选择其上级单位")
                return None
        else:
            parent = by_code.get(row.get("parent"))
            if parent is None:
                self.problem("units.json", index, "parent", "上级单位未能导入")
                return None
        unit = Unit(
            code=code,
            name=row.get("name", ""),
            short_name=row.get("short_name", ""),
            unit_type=unit_type,
            order=row.get("order", 0),
            is_active=row.get("is_active", True),
        )
        try:
            unit.full_clean(exclude=["path", "depth", "numchild"])
        except ValidationError as exc:
            self._validation_problems("units.json", index, Unit, exc)
            return None
        unit = (
            Unit.objects.add_child(parent, instance=unit)
            if parent
            else Unit.objects.add_root(instance=unit)
        )
        self.report.units_created.append(code)
        self.remember(self.source_key("units.unit", code), Unit, unit)
        self.source_units.add(unit.pk)
        if self.allowed is not None:
            self.allowed.add(unit.pk)  # created under a unit of the importer's scope
        return unit

    # references ----------------------------------------------------------
    def reference(self, model, values):
        """The local object a natural-key link names; raises ``_Refused`` when it is
        outside the importer's scope. Users are never matched by their username."""
        label = model._meta.label_lower
        if label == "accounts.user":
            return self.person(str(values[0]))
        cache_key = (label, tuple(values))
        if cache_key not in self.refs:
            lookups = reference_key(model)
            self.refs[cache_key] = model._default_manager.filter(
                **dict(zip(lookups, values, strict=True))
            ).first()
        found = self.refs[cache_key]
        if label == "units.unit" and found is not None and not self.in_scope(found.pk):
            raise _Refused(f"单位 {found.code} 不在您的管理范围内")
        return found

    def person(self, username):
        """The local account standing for a person of the source deployment.

        A package names people by username, which means nothing across deployments (an
        upper-level deployment has its own ``admin``), so a person is never matched to an
        account of this deployment: each (source, username) becomes once an inactive
        placeholder account without a usable password, in the unit ``users.json`` gives
        (which must be within the importer's scope), mapped in ``ImportedObject``."""
        if username in self.people:
            return self.people[username]
        key = self.source_key("accounts.user", username)
        user = self.mapped(User, key)
        if user is None:
            info = self.users_info.get(username, {})
            code = info.get("unit")
            unit = Unit.objects.filter(code=code).first() if code else None
            if unit is not None and not self.in_scope(unit.pk):
                raise _Refused(f"人员 {username} 属于单位 {code}，不在您的管理范围内")
            user = User(
                username=self.free_username(username),
                full_name=str(info.get("full_name", ""))[:150],
                unit=unit,
            )
            user.is_active = False
            user.set_unusable_password()
            user.save()
            self.remember(key, User, user)
            self.report.placeholders.append(
                username if user.username == username else f"{username}（{user.username}）"
            )
        self.people[username] = user
        return user

    def free_username(self, username: str) -> str:
        candidates = [username, f"{username}@{self.source[:8]}"]
        candidates += [f"{username}@{self.source[:8]}-{n}" for n in range(2, 100)]
        for candidate in candidates:
            if len(candidate) <= 150 and not User.objects.filter(username=candidate).exists():
                return candidate
        raise _Refused(f"无法为人员 {username} 建立占位账号")

    def mapped(self, model, key):
        row = ImportedObject.objects.filter(source_key=key).first()
        if row is None:
            return None
        return model._default_manager.filter(pk=row.object_id).first()

    # rows ----------------------------------------------------------------
    def import_rows(self, progress=None):
        users = _load_json(self.package, "users.json")
        self.users_info = {u.get("username"): u for u in users if isinstance(u, dict)}
        for done, entry in enumerate(ENTRIES):
            if progress is not None:
                progress(done, len(ENTRIES))
            member = _member(self.package, entry.label)
            if member is None:
                continue
            rows = _load_json(self.package, member)
            for index, row in enumerate(rows, start=1):
                self.import_row(entry, member, index, row)

    def _validation_problems(self, member, index, model, exc):
        for name, messages in exc.message_dict.items():
            label = name
            if name != "__all__":
                try:
                    label = str(model._meta.get_field(name).verbose_name)
                except Exception:  # noqa: BLE001 - a non-field key
                    label = name
            else:
                label = ""
            for message in messages:
                self.problem(member, index, label, message)

    def map_value(self, entry, f, value):
        """The local value of field ``f``; raises ``_Refused`` with the reason."""
        if entry.attached and f.name == "object_id":
            owner = self.keys.get(value)
            if owner is None:
                raise _Refused("" if value in self.failed else f"所属记录 {value} 不在数据包中")
            return owner.pk
        if not f.is_relation:
            if f.get_internal_type() == "FileField":
                return value or ""
            try:
                return f.to_python(value)
            except ValidationError as exc:
                raise _Refused("；".join(exc.messages)) from None
        if value is None:
            return None
        if f.related_model._meta.label_lower in BY_LABEL:
            target = self.keys.get(value)
            if target is None:
                raise _Refused("" if value in self.failed else f"引用的记录 {value} 不在数据包中")
            return target
        if not isinstance(value, list):
            raise _Refused("引用格式无效")
        target = self.reference(f.related_model, value)
        if target is None:
            name = f.related_model._meta.verbose_name
            raise _Refused(f"{name}“{'/'.join(map(str, value))}”在本系统不存在")
        return target

    def map_row(self, entry, member, index, row):
        """(values, m2m) of a package row mapped to local objects, or None (problems noted)."""
        model = entry.model
        raw = row.get("fields") if isinstance(row.get("fields"), dict) else {}
        values, ok = {}, True
        for f in exported_fields(model):
            if f.name not in raw:
                self.problem(member, index, str(f.verbose_name), "缺少此字段")
                ok = False
                continue
            try:
                values[f.name] = self.map_value(entry, f, raw[f.name])
            except _Refused as exc:
                if str(exc):
                    self.problem(member, index, str(f.verbose_name), str(exc))
                ok = False
        m2m = {}
        links = row.get("m2m") if isinstance(row.get("m2m"), dict) else {}
        for f in m2m_fields(model):
            targets = []
            for value in links.get(f.name, []):
                try:
                    if f.related_model._meta.label_lower in BY_LABEL:
                        target = self.keys.get(value)
                    else:
                        target = self.reference(f.related_model, value)
                except _Refused as exc:
                    self.problem(member, index, str(f.verbose_name), str(exc))
                    ok = False
                    continue
                if target is not None:  # a link to a row outside the package: left out
                    targets.append(target.pk)
            m2m[f.name] = sorted(targets)
        return (values, m2m) if ok else None

    def import_row(self, entry, member, index, row):
        model = entry.model
        row = _current_row(entry, row) if isinstance(row, dict) else row
        key = row.get("id", "") if isinstance(row, dict) else ""
        if not isinstance(key, str) or key.split(":")[1:2] != [entry.label]:
            self.problem(member, index, "id", f"记录标识 {key!r} 无效")
            return
        mapped = self.map_row(entry, member, index, row)
        if mapped is None:
            self.failed.add(key)
            return
        values, m2m = mapped
        obj = self.find_existing(entry, model, key, values)
        unit_pk = _unit_pk(model, values)
        if not self.in_scope(unit_pk):
            self.refuse(entry, member, index, key, "所属单位不在您的管理范围内")
            return
        if obj is not None and not self.in_scope(_unit_pk(model, obj)):
            self.refuse(entry, member, index, key, "本系统中对应的已有记录不在您的管理范围内")
            return
        if entry.attached and not self.attached_to_owner(row, values, unit_pk):
            self.refuse(entry, member, index, key, "类型或单位与其所属记录不一致")
            return
        local = unit_pk not in self.source_units
        if local and entry.label == "core.workflowstep":
            self.report.skipped_steps += 1  # the steps of this deployment's own records
            return
        if local and entry.state and not self.keep_local_state(entry, obj, values, m2m):
            self.refuse(entry, member, index, key, "本系统中的这条记录已办理，数据包不能修改它")
            return
        is_file = entry.label == "evidence.evidence" and values.get("kind") == "file"
        if is_file and not self.check_file(member, index, values, obj):
            self.failed.add(key)
            return
        if local and (reason := self.final_refusal(entry, obj, values, m2m)):
            self.refuse(entry, member, index, key, reason)
            return
        self.write(entry, member, index, key, obj, values, m2m)

    def attached_to_owner(self, row, values, unit_pk) -> bool:
        """Evidence and workflow steps belong to their owner row: same model as the
        ``content_type`` says (else the id would point at a row of another model), same unit."""
        owner = self.keys[row["fields"]["object_id"]]
        same_type = values["content_type"] == ContentType.objects.get_for_model(type(owner))
        return same_type and _unit_pk(type(owner), owner) == unit_pk

    def refuse(self, entry, member, index, key, reason):
        self.problem(member, index, "", reason)
        self.failed.add(key)

    def keep_local_state(self, entry, obj, values, m2m) -> bool:
        """Rows of this deployment's own units never take a workflow state or signature from
        a package: a new row starts in its initial state, an existing one keeps its own.
        False when the existing row has left its initial state (it is being or has been
        handled here) and the package would change it."""
        model = entry.model
        for name in entry.state:
            f = model._meta.get_field(name)
            values[name] = getattr(obj, name) if obj is not None else f.get_default()
        if obj is None:
            return True
        started = any(
            getattr(obj, model._meta.get_field(n).attname) != model._meta.get_field(n).get_default()
            for n in entry.state
        )
        return not started or self.unchanged(model, obj, values, m2m)

    def final_refusal(self, entry, obj, values, m2m) -> str:
        """Why a row of this deployment's own units may not be written because a record is
        final (``frozen_label``: approved, closed, signed, published ...), else "": the
        existing row is final, or the record the row belongs to (its ``frozen_with`` parent,
        an evidence row's owner). Nothing changes after a record is final; an unchanged
        repeat (a package sent again) writes nothing and passes."""
        if obj is not None and self.unchanged(entry.model, obj, values, m2m):
            return ""
        state = frozen_label(obj) if obj is not None else None
        if state is not None:
            return f"本系统中的这条记录已处于「{state}」状态，数据包不能修改它"
        owner = _owner(entry, values)
        state = frozen_label(owner) if owner is not None else None
        if state is not None:
            name = owner._meta.verbose_name
            return f"该记录所属的{name}已处于「{state}」状态，不能再导入"
        return ""

    def check_file(self, member, index, values, obj) -> bool:
        """An evidence file passes the upload checks; its storage name is this deployment's
        own, from the checked bytes (``store_blob`` writes it at the end)."""
        sha = values.get("sha256") or ""
        name = f"evidence/{sha}"
        if name not in self.package.files:
            self.problem(member, index, "SHA-256", f"数据包中缺少佐证文件 {name}")
            return False
        label = values.get("original_name") or PurePosixPath(values.get("file") or "").name
        with self.package.open_file(name) as handle:
            try:
                checked = check_upload(File(handle, name=label))
            except ValidationError as exc:
                self.problem(member, index, "文件", "；".join(exc.messages))
                return False
        same = obj is not None and obj.sha256 == checked.sha256 and obj.file
        values.update(
            file=obj.file.name if same else storage_name(checked.sha256, checked.extension),
            original_name=checked.name,
            content_type_detected=checked.mime,
            size=checked.size,
            sha256=checked.sha256,
        )
        if not same:
            self.pending_files[name].append((label, values["file"]))
        return True

    def write(self, entry, member, index, key, obj, values, m2m):
        model = entry.model
        created = obj is None
        if not created and self.unchanged(model, obj, values, m2m):
            self.keys[key] = obj
            self.report.unchanged[entry.label] += 1
            if not ImportedObject.objects.filter(source_key=key).exists():
                self.remember(key, model, obj)  # adopted by natural key: map it once
            return
        if created:
            obj = model()
        for name, value in values.items():
            setattr(obj, name, value)
        try:
            obj.full_clean()
        except ValidationError as exc:
            self._validation_problems(member, index, model, exc)
            self.failed.add(key)
            return
        try:
            with transaction.atomic():
                obj.save()
        except IntegrityError as exc:
            self.problem(member, index, "", f"无法保存：{exc}")
            self.failed.add(key)
            return
        stamps = {
            f.name: values[f.name]
            for f in model._meta.concrete_fields
            if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)
        }
        if stamps:
            model._default_manager.filter(pk=obj.pk).update(**stamps)
        for name, pks in m2m.items():
            getattr(obj, name).set(pks)
        self.remember(key, model, obj)
        self.keys[key] = obj
        (self.report.new if created else self.report.updated)[entry.label] += 1

    def remember(self, key, model, obj):
        ImportedObject.objects.update_or_create(
            source_key=key,
            defaults={
                "content_type": ContentType.objects.get_for_model(model),
                "object_id": obj.pk,
                "package_sha": self.package.sha,
            },
        )

    def find_existing(self, entry, model, key, values):
        found = self.mapped(model, key)
        if found is not None:
            return found
        if entry.natural_key:
            lookup = {}
            for name in entry.natural_key:
                value = values.get(name)
                lookup[name] = value.pk if hasattr(value, "pk") else value
            return model._default_manager.filter(**lookup).first()
        return None

    @staticmethod
    def unchanged(model, obj, values, m2m) -> bool:
        for f in exported_fields(model):
            new = values[f.name]
            if f.is_relation and new is not None and hasattr(new, "pk"):
                new = new.pk
            old = getattr(obj, f.attname)
            if f.get_internal_type() == "FileField":
                old = old.name if old else ""
            if old != new:
                return False
        for name, pks in (m2m or {}).items():
            if sorted(getattr(obj, name).values_list("pk", flat=True)) != pks:
                return False
        return True

    def write_files(self):
        """Store each new evidence file through the evidence store (checked bytes, verified
        blobs); a row whose stored name differs from the planned one is pointed at it."""
        for member, uses in sorted(self.pending_files.items()):
            label = uses[0][0]
            with self.package.open_file(member) as handle:
                upload = File(handle, name=label)
                stored = store_blob(upload, check_upload(upload))
            planned = {name for _label, name in uses}
            if planned != {stored}:
                Evidence.objects.filter(file__in=planned, sha256=member[9:]).update(file=stored)
            self.report.files_written += 1


def import_package(
    fileobj, *, user=None, parent: Unit | None = None, dry_run=False, progress=None
) -> Report:
    """Import the package in ``fileobj`` (binary, seekable). ``user``: the importing user
    (scope checks; None = command line with full rights); ``parent``: where a missing root
    unit is created; ``progress(done, total)``: registry entries imported so far. Returns
    the report; on any problem nothing is written."""
    report = Report(dry_run=dry_run)
    try:
        package = read_package(fileobj, progress)
    except PackageRefused as exc:
        report.problems = exc.problems
        return report
    report.sha256, report.manifest = package.sha, package.manifest
    if package.manifest.get("source") == Deployment.current_key():
        report.problems.append(
            Problem(
                "manifest.json", field="source", reason="这是本系统导出的数据包，不能导回本系统"
            )
        )
        return report
    importer = _Importer(package, user=user, parent=parent, report=report)
    try:
        with transaction.atomic():
            importer.import_units()
            if not report.problems:
                importer.import_rows(progress)
            if report.problems or dry_run:
                raise _Rollback
            importer.write_files()
    except _Rollback:
        pass
    except PackageRefused as exc:
        report.problems.extend(exc.problems)
    return report
