"""Import a data package: read safely, verify, validate every row, then write it all or nothing.

Everything happens inside one database transaction: units, placeholder users and rows are
written, each row through ``full_clean()`` after its links are mapped; any problem (or a dry
run) rolls the transaction back, so nothing is left behind. Evidence files are written last,
still inside the transaction, to their content-addressed names (only when missing): if the
transaction then fails the files are unreferenced duplicates nobody can see, and no row ever
points at a file that is not there.
"""

from __future__ import annotations

import hashlib
import json
import zipfile
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import PurePosixPath

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction

from luoshi.exchange.export import FORMAT, VERSION
from luoshi.exchange.models import Deployment, ImportedObject
from luoshi.exchange.registry import BY_LABEL, ENTRIES, exported_fields, m2m_fields, reference_key
from luoshi.units.models import Unit, UnitType, UnitYearStat

MAX_MEMBERS = getattr(settings, "EXCHANGE_MAX_MEMBERS", 50_000)
MAX_UNPACKED_BYTES = getattr(settings, "EXCHANGE_MAX_UNPACKED_BYTES", 512 * 1024**2)
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
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self):
        return not self.problems

    def totals(self):
        return sum(self.new.values()), sum(self.updated.values()), sum(self.unchanged.values())

    def summary(self) -> str:
        new, updated, unchanged = self.totals()
        return f"{new} 条新增，{updated} 条更新，{unchanged} 条未变"

    def rows(self):
        labels = sorted(set(self.new) | set(self.updated) | set(self.unchanged))
        from django.apps import apps

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


def read_package(fileobj) -> tuple[dict, dict[str, bytes], str]:
    """(manifest, members, sha256 of the zip): refuses unsafe or tampered packages."""
    fileobj.seek(0)
    digest = hashlib.sha256()
    for chunk in iter(lambda: fileobj.read(1024 * 1024), b""):
        digest.update(chunk)
    fileobj.seek(0)
    sha = digest.hexdigest()
    try:
        archive = zipfile.ZipFile(fileobj)
    except zipfile.BadZipFile:
        raise PackageRefused([Problem("数据包", reason="不是有效的 zip 文件")]) from None
    infos = archive.infolist()
    problems = []
    if len(infos) > MAX_MEMBERS:
        problems.append(Problem("数据包", reason=f"成员数 {len(infos)} 超过上限 {MAX_MEMBERS}"))
    total = 0
    for info in infos:
        name = info.filename
        path = PurePosixPath(name)
        if name.startswith(("/", "\\")) or ".." in path.parts or ":" in name or "\\" in name:
            problems.append(Problem(name, reason="成员路径不安全（绝对路径或包含 ..）"))
        total += info.file_size
        if info.compress_size and info.file_size > MAX_RATIO * max(info.compress_size, 1024):
            problems.append(Problem(name, reason="压缩比异常（疑似压缩炸弹）"))
    if total > MAX_UNPACKED_BYTES:
        problems.append(
            Problem("数据包", reason=f"解压后大小 {total} 字节超过上限 {MAX_UNPACKED_BYTES}")
        )
    if problems:
        raise PackageRefused(problems)

    names = {i.filename for i in infos}
    if "manifest.json" not in names:
        raise PackageRefused([Problem("manifest.json", reason="缺少清单文件")])
    try:
        manifest = json.loads(archive.read("manifest.json"))
    except ValueError as exc:
        raise PackageRefused([Problem("manifest.json", reason=f"不是有效的 JSON：{exc}")]) from None
    if manifest.get("format") != FORMAT:
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
    checksums = manifest.get("checksums") or {}
    members = {}
    for name in sorted(names - {"manifest.json"}):
        if name not in checksums:
            problems.append(Problem(name, reason="清单中没有此文件的校验值"))
            continue
        data = archive.read(name)
        if hashlib.sha256(data).hexdigest() != checksums[name]:
            problems.append(Problem(name, reason="SHA-256 校验值不符，文件已被篡改或损坏"))
        if name.startswith("evidence/") and hashlib.sha256(data).hexdigest() != name[9:]:
            problems.append(Problem(name, reason="佐证文件内容与其 SHA-256 文件名不符"))
        members[name] = data
    for name in sorted(set(checksums) - names):
        problems.append(Problem(name, reason="清单列出的文件在数据包中不存在"))
    if problems:
        raise PackageRefused(problems)
    return manifest, members, sha


def _load_json(members, name):
    try:
        return json.loads(members[name])
    except KeyError:
        raise PackageRefused([Problem(name, reason="缺少此文件")]) from None
    except ValueError as exc:
        raise PackageRefused([Problem(name, reason=f"不是有效的 JSON：{exc}")]) from None


# --------------------------------------------------------------------------- importing


class _Importer:
    def __init__(self, manifest, members, sha, *, user, parent, report):
        self.manifest = manifest
        self.members = members
        self.sha = sha
        self.user = user
        self.parent = parent
        self.report = report
        self.keys: dict[str, object] = {}  # package id → local object
        self.failed: set[str] = set()
        self.refs: dict[tuple, object] = {}
        self.users_info = {}
        self.files: dict[str, str] = {}  # sha256 → storage name
        self.scope_ids = None
        if user is not None and not user.is_superuser:
            self.scope_ids = set(Unit.objects.for_user(user).values_list("pk", flat=True))

    def problem(self, *args, **kwargs):
        self.report.problems.append(Problem(*args, **kwargs))

    # units ---------------------------------------------------------------
    def import_units(self):
        data = _load_json(self.members, "units.json")
        year = self.manifest.get("year")
        by_code = {}
        for index, row in enumerate(data.get("units", []), start=1):
            code = row.get("code")
            existing = Unit.objects.filter(code=code).first()
            if existing is not None:
                if self.scope_ids is not None and existing.pk not in self.scope_ids:
                    self.problem(
                        "units.json", index, "code", f"单位 {code} 已存在但不在您的管理范围内"
                    )
                    continue
                unit = existing
            else:
                unit_type = UnitType.objects.filter(code=row.get("type")).first()
                if unit_type is None:
                    self.problem(
                        "units.json", index, "type", f"单位类型编码 {row.get('type')} 不存在"
                    )
                    continue
                if code == data.get("root"):
                    parent = self.parent
                    if parent is None and self.user is not None:
                        self.problem(
                            "units.json", index, "parent", f"单位 {code} 不存在，请选择其上级单位"
                        )
                        continue
                else:
                    parent = by_code.get(row.get("parent"))
                    if parent is None:
                        self.problem("units.json", index, "parent", "上级单位未能导入")
                        continue
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
                    continue
                unit = (
                    Unit.objects.add_child(parent, instance=unit)
                    if parent
                    else Unit.objects.add_root(instance=unit)
                )
                self.report.units_created.append(code)
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

    # references ----------------------------------------------------------
    def reference(self, model, values):
        label = model._meta.label_lower
        cache_key = (label, tuple(values))
        if cache_key in self.refs:
            return self.refs[cache_key]
        lookups = reference_key(model)
        found = model._default_manager.filter(**dict(zip(lookups, values, strict=True))).first()
        if found is None and label == "accounts.user":
            found = self._placeholder(values[0])
        self.refs[cache_key] = found
        return found

    def _placeholder(self, username):
        """A user of the source deployment unknown here: an inactive account, no password."""
        from luoshi.accounts.models import User

        info = self.users_info.get(username, {})
        unit = Unit.objects.filter(code=info.get("unit")).first() if info.get("unit") else None
        user = User(username=username, full_name=info.get("full_name", ""), unit=unit)
        user.is_active = False
        user.set_unusable_password()
        user.save()
        self.report.placeholders.append(username)
        return user

    # rows ----------------------------------------------------------------
    def import_rows(self):
        self.users_info = {u["username"]: u for u in _load_json(self.members, "users.json")}
        for entry in ENTRIES:
            member = f"records/{entry.label}.json"
            if member not in self.members:
                continue
            rows = _load_json(self.members, member)
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

    def import_row(self, entry, member, index, row):
        model = entry.model
        key = row.get("id", "")
        if not isinstance(key, str) or key.split(":")[1:2] != [entry.label]:
            self.problem(member, index, "id", f"记录标识 {key!r} 无效")
            return
        raw = row.get("fields") or {}
        values = {}
        ok = True
        for f in exported_fields(model):
            label = str(f.verbose_name)
            if f.name not in raw:
                self.problem(member, index, label, "缺少此字段")
                ok = False
                continue
            value = raw[f.name]
            if entry.attached and f.name == "object_id":
                owner = self.keys.get(value)
                if owner is None:
                    if value not in self.failed:
                        self.problem(member, index, label, f"所属记录 {value} 不在数据包中")
                    ok = False
                    continue
                values[f.name] = owner.pk
            elif f.is_relation:
                if value is None:
                    values[f.name] = None
                elif f.related_model._meta.label_lower in BY_LABEL:
                    target = self.keys.get(value)
                    if target is None:
                        if value not in self.failed:
                            self.problem(member, index, label, f"引用的记录 {value} 不在数据包中")
                        ok = False
                        continue
                    values[f.name] = target
                else:
                    if not isinstance(value, list):
                        self.problem(member, index, label, "引用格式无效")
                        ok = False
                        continue
                    target = self.reference(f.related_model, value)
                    if target is None:
                        name = f.related_model._meta.verbose_name
                        self.problem(
                            member,
                            index,
                            label,
                            f"{name}“{'/'.join(map(str, value))}”在本系统不存在",
                        )
                        ok = False
                        continue
                    values[f.name] = target
            elif f.get_internal_type() == "FileField":
                values[f.name] = value or ""
            else:
                try:
                    values[f.name] = f.to_python(value)
                except ValidationError as exc:
                    self.problem(member, index, label, "；".join(exc.messages))
                    ok = False
        m2m = {}
        for f in m2m_fields(model):
            targets = []
            for value in (row.get("m2m") or {}).get(f.name, []):
                if f.related_model._meta.label_lower in BY_LABEL:
                    target = self.keys.get(value)
                else:
                    target = self.reference(f.related_model, value)
                if target is None:  # a link to a row outside the package: left out
                    continue
                targets.append(target.pk)
            m2m[f.name] = sorted(targets)
        if model._meta.label_lower == "evidence.evidence" and values.get("kind") == "file":
            sha = values.get("sha256")
            if f"evidence/{sha}" not in self.members:
                self.problem(member, index, "SHA-256", f"数据包中缺少佐证文件 evidence/{sha}")
                ok = False
            else:
                self.files[sha] = values.get("file")
        if not ok:
            self.failed.add(key)
            return

        obj = self.find_existing(entry, model, key, values)
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
                "package_sha": self.sha,
            },
        )

    def find_existing(self, entry, model, key, values):
        mapped = ImportedObject.objects.filter(source_key=key).first()
        if mapped is not None:
            obj = model._default_manager.filter(pk=mapped.object_id).first()
            if obj is not None:
                return obj
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
        for name, pks in m2m.items():
            if sorted(getattr(obj, name).values_list("pk", flat=True)) != pks:
                return False
        return True

    def write_files(self):
        from luoshi.evidence.models import Evidence

        storage = Evidence._meta.get_field("file").storage
        for sha, name in sorted(self.files.items()):
            if not name or storage.exists(name):
                continue
            saved = storage.save(name, ContentFile(self.members[f"evidence/{sha}"]))
            if saved != name:
                raise RuntimeError(f"evidence stored as {saved}, expected {name}")
            self.report.files_written += 1


def import_package(fileobj, *, user=None, parent: Unit | None = None, dry_run=False) -> Report:
    """Import the package in ``fileobj`` (binary, seekable). ``user``: the importing user
    (scope checks; None = command line with full rights); ``parent``: where a missing root
    unit is created. Returns the report; on any problem nothing is written."""
    report = Report(dry_run=dry_run)
    try:
        manifest, members, sha = read_package(fileobj)
    except PackageRefused as exc:
        report.problems = exc.problems
        return report
    report.sha256, report.manifest = sha, manifest
    if manifest.get("source") == Deployment.current_key():
        report.problems.append(
            Problem(
                "manifest.json", field="source", reason="这是本系统导出的数据包，不能导回本系统"
            )
        )
        return report
    importer = _Importer(manifest, members, sha, user=user, parent=parent, report=report)
    try:
        with transaction.atomic():
            importer.import_units()
            if not report.problems:
                importer.import_rows()
            if report.problems or dry_run:
                raise _Rollback
            importer.write_files()
    except _Rollback:
        pass
    except PackageRefused as exc:
        report.problems.extend(exc.problems)
    return report
