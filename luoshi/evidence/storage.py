"""Evidence bytes, wherever they live: the one way to read, write, check and hash them.

Two storages can hold evidence: a folder on local disk (``EVIDENCE_ROOT``) and an
S3-compatible bucket (``S3_BUCKET``); ``EVIDENCE_STORAGE`` says which one the platform uses
(settings.evidence_storage_config). Everything that touches evidence bytes goes through an
``EvidenceStore``: uploads (``services.store_blob``), deletions, the download page, data
packages, ``move_evidence``, backup and restore, and /healthz.

    active_store()          the store uploads go to and pages read from
    named_store("s3")       one of the two by name ("disk" or "s3"), for moving between them
    referenced_blobs()      {storage name: SHA-256} of every evidence file the database records
    copy_blob(src, dst, …)  copy one blob, checking its SHA-256 on both sides

A blob's name is its place in the store (``2026/11/ab/<sha256>.pdf``); the database records
that name and the SHA-256 of the bytes (``Evidence.file`` / ``Evidence.sha256``), so a copy is
trusted only when the bytes it holds hash to the recorded value.
"""

from __future__ import annotations

import enum
import hashlib
import logging
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, cast

from botocore.exceptions import ClientError
from django.core.exceptions import ImproperlyConfigured
from django.core.files.base import File
from django.core.files.storage import FileSystemStorage, InvalidStorageError, Storage, storages
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from storages.backends.s3 import S3Storage

from luoshi.evidence.models import Evidence

logger = logging.getLogger(__name__)

CHUNK = 1024 * 1024
KINDS = {"disk": "evidence_disk", "s3": "evidence_s3"}
KIND_LABELS = {"disk": gettext_lazy("本地磁盘"), "s3": gettext_lazy("S3 对象存储")}


class StoreNotConfigured(ImproperlyConfigured):
    """The named store has no configuration (S3 without S3_BUCKET)."""


class HashingReader:
    """Reads a binary stream and hashes what passed through (for copying and hashing in one
    pass). Not seekable: storages copy it from where it stands."""

    def __init__(self, stream: IO[bytes] | File):
        self.stream = stream
        self.digest = hashlib.sha256()
        self.size = 0

    def read(self, size: int = -1) -> bytes:
        data = self.stream.read(size if size is not None and size >= 0 else -1)
        self.digest.update(data)
        self.size += len(data)
        return data

    def hexdigest(self) -> str:
        return self.digest.hexdigest()

    closed = False

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return False

    def close(self) -> None:  # the caller closes the stream it opened
        pass


class EvidenceStore:
    """One storage of evidence blobs (a Django Storage: a folder or an S3 bucket)."""

    def __init__(self, storage: Storage):
        self.storage = storage

    @property
    def kind(self) -> str:
        return "disk" if isinstance(self.storage, FileSystemStorage) else "s3"

    @property
    def label(self) -> str:
        return str(KIND_LABELS[self.kind])

    @property
    def _s3(self) -> S3Storage:
        return cast(S3Storage, self.storage)

    def _s3_object(self, name: str):
        return self._s3.bucket.Object(self._s3._normalize_name(name))

    def exists(self, name: str) -> bool:
        return bool(name) and self.storage.exists(name)

    def open(self, name: str) -> IO[bytes] | File:
        """The blob's bytes as a stream read in chunks (an S3 object is streamed from the
        bucket, never spooled whole); FileNotFoundError when it is not there."""
        if self.kind == "disk":
            return self.storage.open(name, "rb")
        try:
            response = self._s3_object(name).get()
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") in {"NoSuchKey", "404"}:
                raise FileNotFoundError(name) from error
            raise
        body = response["Body"]
        body.size = response["ContentLength"]  # as a disk File's .size, for Content-Length
        return body

    def sha256(self, name: str) -> str:
        """The SHA-256 of the stored bytes (FileNotFoundError when missing)."""
        reader = HashingReader(self.open(name))
        try:
            while reader.read(CHUNK):
                pass
        finally:
            reader.stream.close()
        return reader.hexdigest()

    def holds(self, name: str, sha256: str) -> bool:
        """The blob is here and its bytes hash to ``sha256``."""
        try:
            return self.sha256(name) == sha256
        except FileNotFoundError:
            return False

    def save_new(self, name: str, content) -> str:
        """Store new bytes; the storage may pick another name if ``name`` is taken."""
        return self.storage.save(name, content if hasattr(content, "chunks") else File(content))

    def put(self, name: str, stream) -> None:
        """Write ``stream`` under exactly ``name``, replacing what is there (a copy must keep
        the name the database records)."""
        if self.storage.exists(name):
            self.storage.delete(name)
        stored = self.storage.save(name, File(stream, name=os.path.basename(name)))
        if stored != name:  # pragma: no cover - the name was just freed
            self.storage.delete(stored)
            raise OSError(f"stored as {stored!r}, not {name!r}")

    def delete(self, name: str) -> None:
        self.storage.delete(name)

    def reachable(self) -> bool:
        """The folder can be written (or created), or the bucket answers."""
        if self.kind == "disk":
            return _writable_folder(Path(cast(FileSystemStorage, self.storage).location))
        # One round trip; raises when the store is unreachable, the bucket is gone or the
        # keys are refused (a HEAD of a key would answer "absent" for a missing bucket).
        self._s3.connection.meta.client.head_bucket(Bucket=self._s3.bucket_name)
        return True


def _writable_folder(path: Path) -> bool:
    """The folder, or the nearest existing folder it will be created in, is writable."""
    while not path.exists() and path != path.parent:
        path = path.parent
    return path.is_dir() and os.access(path, os.W_OK | os.X_OK)


def active_store() -> EvidenceStore:
    """The store the platform uses now: the storage of ``Evidence.file``."""
    return EvidenceStore(Evidence._meta.get_field("file").storage)


def named_store(kind: str) -> EvidenceStore:
    """The disk or the S3 store as configured, whichever of them is in use."""
    if kind not in KINDS:
        raise StoreNotConfigured(_("未知的存储：%(kind)s（可选 disk、s3）") % {"kind": kind})
    try:
        return EvidenceStore(storages[KINDS[kind]])
    except InvalidStorageError:
        raise StoreNotConfigured(_("未配置 S3 对象存储：请先设置 S3_BUCKET 等环境变量。")) from None


def referenced_blobs() -> dict[str, str]:
    """{storage name: SHA-256} of every file the evidence records point to (all versions)."""
    rows = (
        Evidence.objects.filter(kind=Evidence.Kind.FILE)
        .exclude(file="")
        .order_by("file")
        .values_list("file", "sha256")
        .distinct()
    )
    return dict(rows)


class Copy(enum.Enum):
    COPIED = "copied"  # written and read back with the right SHA-256
    PRESENT = "present"  # the target already held the right bytes: nothing written
    MISSING = "missing"  # the source has no such blob
    DAMAGED = "damaged"  # the source bytes do not hash to the recorded SHA-256
    FAILED = "failed"  # written, but the target's bytes read back differ


PROBLEMS = {
    Copy.MISSING: gettext_lazy("佐证文件 %(name)s 在%(source)s中不存在"),
    Copy.DAMAGED: gettext_lazy(
        "佐证文件 %(name)s 在%(source)s中的内容与数据库记录的 SHA-256 不符（已损坏或被替换），未采用"
    ),
    Copy.FAILED: gettext_lazy("佐证文件 %(name)s 写入%(target)s后读回校验不符，已删除该副本"),
}


@dataclass
class CopyReport:
    """What ``copy_blobs`` did: how many blobs ended in each outcome, the blobs the target
    now holds intact ({name: SHA-256}), and the others (name, outcome)."""

    source: EvidenceStore
    target: EvidenceStore
    counts: dict[Copy, int] = field(default_factory=lambda: dict.fromkeys(Copy, 0))
    intact: dict[str, str] = field(default_factory=dict)
    problems: list[tuple[str, Copy]] = field(default_factory=list)

    def add(self, name: str, sha256: str, outcome: Copy) -> None:
        self.counts[outcome] += 1
        if outcome in PROBLEMS:
            self.problems.append((name, outcome))
        else:
            self.intact[name] = sha256

    def messages(self) -> list[str]:
        where = {"source": self.source.label, "target": self.target.label}
        return [str(PROBLEMS[outcome]) % {"name": name, **where} for name, outcome in self.problems]


def copy_blob(source: EvidenceStore, target: EvidenceStore, name: str, sha256: str) -> Copy:
    """Copy one blob under the same name, unless the target already holds the right bytes.

    The source is hashed while it is copied: bytes that do not match ``sha256`` are removed
    from the target again and reported, never kept. Every copy is read back and checked."""
    if target.holds(name, sha256):
        return Copy.PRESENT
    try:
        handle = source.open(name)
    except FileNotFoundError:
        return Copy.MISSING
    reader = HashingReader(handle)
    try:
        target.put(name, reader)
    finally:
        handle.close()
    if reader.hexdigest() != sha256:
        target.delete(name)
        logger.warning("evidence blob %s in %s does not match its SHA-256", name, source.label)
        return Copy.DAMAGED
    if not target.holds(name, sha256):
        target.delete(name)
        return Copy.FAILED
    return Copy.COPIED


def copy_blobs(
    source: EvidenceStore, target: EvidenceStore, blobs: dict[str, str], progress=None
) -> CopyReport:
    """Copy every blob of ``blobs`` ({name: recorded SHA-256}) that ``target`` lacks."""
    report = CopyReport(source, target)
    for name, sha256 in blobs.items():
        outcome = copy_blob(source, target, name, sha256)
        report.add(name, sha256, outcome)
        if progress is not None:
            progress(name, outcome)
    return report


def folder_store(folder: Path) -> EvidenceStore:
    """A plain folder as a store (a backup's ``evidence/``)."""
    return EvidenceStore(FileSystemStorage(location=str(folder), base_url=None))
