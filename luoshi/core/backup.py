"""Backup and restore: the database (SQLite online backup or pg_dump), the media folder, the
files each app keeps outside the database (``registry.BACKUP_PARTS``: evidence, on disk or
in S3), and ``manifest.json`` with the sha256 of every file and a checksum of every table.

    python manage.py backup var/backups/2026-11-24
    python manage.py restore var/backups/2026-11-24          # verifies, then restores

``restore`` checks every file against the manifest first and refuses on any mismatch;
after restoring it recomputes every table's row count and checksum and compares them
with the manifest.
"""

from __future__ import annotations

import datetime
import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

from django.conf import settings
from django.db import connection, connections
from django.utils.translation import gettext as _

from luoshi.core import registry

MANIFEST = "manifest.json"
FORMAT = 2  # 1: evidence copied as the EVIDENCE_ROOT folder (restored the same way)
MEDIA = "media"


class BackupError(Exception):
    """A refused backup or restore, with a Chinese message."""


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1024 * 1024), b""):
            digest.update(chunk)
    return digest.hexdigest()


# --- table checksums (work on any DB-API cursor) -----------------------------------------


def table_checksums(cursor, tables: list[str], quote=lambda n: f'"{n}"') -> dict:
    """{table: {"rows": n, "sha256": digest of the sorted rows}} — engine-independent."""
    result = {}
    for table in sorted(tables):
        cursor.execute(f"SELECT * FROM {quote(table)}")  # noqa: S608 - names from introspection
        rows = sorted(_canonical(row) for row in cursor.fetchall())
        digest = hashlib.sha256()
        for row in rows:
            digest.update(row.encode())
            digest.update(b"\n")
        result[table] = {"rows": len(rows), "sha256": digest.hexdigest()}
    return result


def _canonical(row) -> str:
    values = []
    for value in row:
        if isinstance(value, memoryview | bytes):
            value = bytes(value).hex()
        elif isinstance(value, datetime.datetime) and value.tzinfo is not None:
            value = value.astimezone(datetime.UTC).replace(tzinfo=None).isoformat()
        elif isinstance(value, dict | list):
            value = json.dumps(value, sort_keys=True, ensure_ascii=False)
        values.append(repr(value) if not isinstance(value, str) else value)
    return "\x1f".join(values)


def current_checksums() -> dict:
    tables = connection.introspection.table_names()
    with connection.cursor() as cursor:
        return table_checksums(cursor, tables, connection.ops.quote_name)


# --- backup ----------------------------------------------------------------------------------


def backup(target: Path, *, using: str = "default") -> dict:
    """Write a complete backup into the empty or new folder ``target``; return the manifest.

    The manifest lists only files written into the backup and checked; files that could not
    be saved (an evidence file missing or damaged where it is kept) are listed apart, under
    ``problems``."""
    target = Path(target)
    if target.exists() and any(target.iterdir()):
        raise BackupError(_("备份目录「%(path)s」不是空目录。") % {"path": target})
    target.mkdir(parents=True, exist_ok=True)
    conn = connections[using]
    conn.ensure_connection()
    database_file = _dump_database(conn, target)
    files = {database_file.name: sha256_file(database_file)}
    parts, problems = {}, []
    for part in registry.BACKUP_PARTS:
        saved = part.save(target / part.name)
        files.update({f"{part.name}/{name}": digest for name, digest in saved.files.items()})
        parts[part.name] = {"label": part.label, "where": part.where(), "files": len(saved.files)}
        problems += saved.problems
    media = Path(settings.MEDIA_ROOT)
    if media.is_dir():
        shutil.copytree(media, target / MEDIA)
        files.update(
            {
                str(path.relative_to(target)): sha256_file(path)
                for path in sorted((target / MEDIA).rglob("*"))
                if path.is_file()
            }
        )
    with conn.cursor() as cursor:
        tables = table_checksums(
            cursor, conn.introspection.table_names(cursor), conn.ops.quote_name
        )
    manifest = {
        "format": FORMAT,
        "created": datetime.datetime.now(datetime.UTC).isoformat(),
        "engine": conn.vendor,
        "database_file": database_file.name,
        "files": dict(sorted(files.items())),
        "parts": parts,
        "problems": problems,
        "tables": tables,
    }
    (target / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=1))
    return manifest


def _dump_database(conn, target: Path) -> Path:
    if conn.vendor == "sqlite":
        database_file = target / "db.sqlite3"
        destination = sqlite3.connect(database_file)
        with destination:
            conn.connection.backup(destination)  # the online backup API: consistent copy
        destination.close()
    elif conn.vendor == "postgresql":
        database_file = target / "db.dump"
        _run(["pg_dump", "-Fc", "--no-owner", "-f", str(database_file), *_pg_args(conn)], conn)
    else:
        raise BackupError(_("不支持的数据库类型：%(engine)s") % {"engine": conn.vendor})
    return database_file


# --- restore ---------------------------------------------------------------------------------


def verify(source: Path) -> dict:
    """The manifest of ``source`` after checking every file; BackupError on any mismatch."""
    source = Path(source)
    try:
        manifest = json.loads((source / MANIFEST).read_text())
    except (OSError, ValueError) as error:
        raise BackupError(
            _("备份清单 manifest.json 缺失或已损坏：%(error)s") % {"error": error}
        ) from None
    problems = []
    for name, digest in manifest["files"].items():
        path = source / name
        if not path.is_file():
            problems.append(_("缺少文件 %(name)s") % {"name": name})
        elif sha256_file(path) != digest:
            problems.append(_("文件 %(name)s 校验和不符") % {"name": name})
    listed = set(manifest["files"])
    extra = [
        str(p.relative_to(source))
        for p in source.rglob("*")
        if p.is_file() and p.name != MANIFEST and str(p.relative_to(source)) not in listed
    ]
    problems += [_("多出未登记的文件 %(name)s") % {"name": name} for name in extra]
    if problems:
        raise BackupError(_("备份校验失败，已拒绝恢复：") + "；".join(problems[:20]))
    return manifest


def restore(source: Path, *, using="default", media_root: Path | None = None) -> dict:
    """Verify ``source``, restore it into database ``using``, the media folder and each
    part's files (evidence into the store in use now: disk or S3).

    The target database is replaced as a whole (SQLite: its file; PostgreSQL: pg_restore
    --clean), and so is the media folder; evidence files are written into the store, each
    checked against the manifest. Returns {"tables": n, "files": n} after checking every
    table checksum."""
    source = Path(source)
    manifest = verify(source)
    conn = connections[using] if isinstance(using, str) else using  # an alias or a wrapper
    if manifest["engine"] != conn.vendor:
        raise BackupError(
            _("备份来自 %(src)s 数据库，不能恢复到 %(dst)s。")
            % {"src": manifest["engine"], "dst": conn.vendor}
        )
    _load_database(conn, source / manifest["database_file"])
    restored_files = _restore_media(source / MEDIA, Path(media_root or settings.MEDIA_ROOT))
    for part in registry.BACKUP_PARTS:
        prefix = f"{part.name}/"
        listed = {
            name.removeprefix(prefix): digest
            for name, digest in manifest["files"].items()
            if name.startswith(prefix)
        }
        restored_files += part.restore(source / part.name, listed)
    with conn.cursor() as cursor:
        now = table_checksums(cursor, list(manifest["tables"]), conn.ops.quote_name)
    differing = [t for t in manifest["tables"] if now.get(t) != manifest["tables"][t]]
    if differing:
        raise BackupError(
            _("恢复后数据表与备份不一致：%(tables)s") % {"tables": "、".join(differing[:20])}
        )
    return {"tables": len(now), "files": restored_files}


def _load_database(conn, database_file: Path) -> None:
    if conn.vendor == "sqlite":
        conn.ensure_connection()
        backup_db = sqlite3.connect(database_file)
        with backup_db:
            backup_db.backup(conn.connection)
        backup_db.close()
        return
    conn.close()
    _run(
        [
            "pg_restore",
            "--clean",
            "--if-exists",
            "--no-owner",
            "--single-transaction",
            "-d",
            conn.settings_dict["NAME"],
            *_pg_args(conn, with_name=False),
            str(database_file),
        ],
        conn,
    )


def _restore_media(saved: Path, root: Path) -> int:
    if not saved.is_dir():
        return 0
    if root.exists():
        shutil.rmtree(root)
    shutil.copytree(saved, root)
    return sum(1 for p in root.rglob("*") if p.is_file())


# --- PostgreSQL client helpers ------------------------------------------------------------------


def _pg_args(conn, with_name: bool = True) -> list[str]:
    s = conn.settings_dict
    args = []
    if s.get("HOST"):
        args += ["-h", s["HOST"]]
    if s.get("PORT"):
        args += ["-p", str(s["PORT"])]
    if s.get("USER"):
        args += ["-U", s["USER"]]
    if with_name:
        args += [s["NAME"]]
    return args


def _run(command: list[str], conn) -> None:
    env = {**os.environ}
    if conn.settings_dict.get("PASSWORD"):
        env["PGPASSWORD"] = conn.settings_dict["PASSWORD"]
    result = subprocess.run(command, env=env, capture_output=True, text=True)
    if result.returncode != 0:
        raise BackupError(
            _("%(cmd)s 执行失败：%(err)s")
            % {"cmd": command[0], "err": result.stderr.strip()[-500:]}
        )
