"""Checks on uploaded evidence: size, type by content (not by name), safe file names."""

import hashlib
import os
import unicodedata
import zipfile
from dataclasses import dataclass

import filetype
from django.core.exceptions import SuspiciousFileOperation, ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.text import get_valid_filename
from django.utils.translation import gettext as _

from luoshi.core import parameters
from luoshi.core.uploads import ZIP_EXTENSIONS, check_zip_container

# extension -> the kinds ``filetype`` may detect for a genuine file of that extension
ALLOWED_TYPES: dict[str, set[str]] = {
    "pdf": {"pdf"},
    "doc": {"doc"},
    "docx": {"docx"},
    "xls": {"xls"},
    "xlsx": {"xlsx"},
    "ppt": {"ppt"},
    "pptx": {"pptx"},
    "jpg": {"jpg"},
    "jpeg": {"jpg"},
    "png": {"png"},
    "mp4": {"mp4", "m4v"},
    "mp3": {"mp3"},
    "zip": {"zip"},
}
# Legacy Office files share one container format (OLE2); filetype tells them apart
# only sometimes, so any OLE2 kind is accepted for any legacy Office extension.
OLE_KINDS = {"doc", "xls", "ppt", "msi"}
# Office Open XML files are zip archives; when the signature scan only sees "zip",
# the archive's own table of contents decides.
OOXML_FOLDERS = {"docx": "word/", "xlsx": "xl/", "pptx": "ppt/"}


def _is_ooxml(uploaded, ext: str) -> bool:
    try:
        with zipfile.ZipFile(uploaded) as archive:
            return any(n.startswith(OOXML_FOLDERS[ext]) for n in archive.namelist())
    except zipfile.BadZipFile:
        return False
    finally:
        uploaded.seek(0)


@dataclass
class CheckedFile:
    name: str
    extension: str
    mime: str
    size: int
    sha256: str


def clean_filename(name: str) -> str:
    """Keep the user's (Chinese) name, drop paths, control and unsafe characters."""
    name = unicodedata.normalize("NFC", os.path.basename(name.replace("\\", "/")))
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C")
    stem, dot, ext = name.rpartition(".")
    if not dot:
        stem, ext = name, ""
    stem = (_valid_part(stem) if stem.strip(" .") else "")[:100] or "file"
    ext = _valid_part(ext)[:10].lower()
    return f"{stem}.{ext}" if ext else stem


def _valid_part(text: str) -> str:
    """``get_valid_filename`` that yields "" instead of raising for e.g. "<>"."""
    try:
        return get_valid_filename(text) if text.strip() else ""
    except SuspiciousFileOperation:
        return ""


def check_upload(uploaded) -> CheckedFile:
    """Validate an UploadedFile; raise ValidationError with a Chinese message."""
    name = clean_filename(uploaded.name or "")
    ext = name.rpartition(".")[2].lower() if "." in name else ""
    if uploaded.size == 0:
        raise ValidationError(_("文件「%(name)s」是空文件。") % {"name": name})
    limit = parameters.value("evidence_max_bytes")
    if uploaded.size > limit:
        raise ValidationError(
            _("文件「%(name)s」大小为 %(size)s，超过上限 %(limit)s。")
            % {
                "name": name,
                "size": filesizeformat(uploaded.size),
                "limit": filesizeformat(limit),
            }
        )
    if ext not in ALLOWED_TYPES:
        raise ValidationError(
            _("不支持的文件类型「.%(ext)s」。允许的类型：%(allowed)s。")
            % {"ext": ext or "?", "allowed": "、".join(sorted(ALLOWED_TYPES))}
        )
    head = b""
    digest = hashlib.sha256()
    for chunk in uploaded.chunks():
        if len(head) < 8192:
            head += chunk[: 8192 - len(head)]
        digest.update(chunk)
    uploaded.seek(0)
    kind = filetype.guess(head)
    detected = kind.extension if kind else None
    expected = ALLOWED_TYPES[ext]
    if detected == "zip" and ext in OOXML_FOLDERS and _is_ooxml(uploaded, ext):
        detected = ext
    legacy_ok = detected in OLE_KINDS and expected & OLE_KINDS
    if detected not in expected and not legacy_ok:
        raise ValidationError(
            _("文件「%(name)s」的内容与扩展名 .%(ext)s 不符（实际为 %(detected)s），已拒绝。")
            % {"name": name, "ext": ext, "detected": detected or _("未知格式")}
        )
    if ext in ZIP_EXTENSIONS:
        check_zip_container(uploaded, name=name)
    return CheckedFile(
        name=name,
        extension=ext,
        mime=kind.mime if kind else "application/octet-stream",
        size=uploaded.size,
        sha256=digest.hexdigest(),
    )
