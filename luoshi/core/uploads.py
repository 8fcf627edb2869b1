"""The one check for uploaded zip containers (.xlsx, .docx, .pptx, .zip).

An Office Open XML file is a zip archive; a small upload can unpack to gigabytes (a zip
bomb). ``check_zip_container`` reads only the archive's table of contents and refuses,
with a Chinese message, an archive whose members would unpack to more than the limit,
have an absurd compression ratio, are too many, or carry path-traversal names.
Used by the Excel import, evidence uploads and (reports) the Word report import.
"""

import os
import zipfile

from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from luoshi.core import parameters

MAX_MEMBERS = 10_000
# Real Office files compress XML about 10-20×; 200× only happens for crafted data.
MAX_RATIO = 200
ZIP_EXTENSIONS = {"xlsx", "xlsm", "docx", "pptx", "zip"}


def is_zip(uploaded) -> bool:
    try:
        uploaded.seek(0)
        return zipfile.is_zipfile(uploaded)
    finally:
        uploaded.seek(0)


def check_zip_container(uploaded, max_unpacked: int | None = None, name: str = "") -> None:
    """Raise ``ValidationError`` (Chinese) if the zip ``uploaded`` is unsafe to unpack.

    ``uploaded`` is any seekable binary file object; it is rewound afterwards. A file that
    is not a zip at all is refused too: callers use this only for zip-based formats.
    """
    if isinstance(uploaded, str | os.PathLike):
        with open(uploaded, "rb") as handle:
            return check_zip_container(handle, max_unpacked, name or os.fspath(uploaded))
    limit = max_unpacked or parameters.value("upload_max_unpacked")
    label = name or getattr(uploaded, "name", "") or _("上传的文件")
    try:
        uploaded.seek(0)
        with zipfile.ZipFile(uploaded) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError):
        raise ValidationError(
            _("文件「%(name)s」已损坏或不是有效的 Office/压缩文件。") % {"name": label}
        ) from None
    finally:
        uploaded.seek(0)
    if len(members) > MAX_MEMBERS:
        raise ValidationError(
            _("文件「%(name)s」包含的条目过多（%(count)d 个），已拒绝。")
            % {"name": label, "count": len(members)}
        )
    unpacked = sum(member.file_size for member in members)
    packed = sum(member.compress_size for member in members) or 1
    if unpacked > limit:
        raise ValidationError(
            _("文件「%(name)s」解压后达 %(size)s，超过上限 %(limit)s，疑似压缩炸弹，已拒绝。")
            % {
                "name": label,
                "size": filesizeformat(unpacked),
                "limit": filesizeformat(limit),
            }
        )
    if unpacked > 1024 * 1024 and unpacked / packed > MAX_RATIO:
        raise ValidationError(
            _("文件「%(name)s」的压缩比异常（%(ratio)d 倍），疑似压缩炸弹，已拒绝。")
            % {"name": label, "ratio": unpacked // packed}
        )
    for member in members:
        path = member.filename.replace("\\", "/")
        if path.startswith("/") or ".." in path.split("/"):
            raise ValidationError(
                _("文件「%(name)s」内含非法路径「%(path)s」，已拒绝。")
                % {"name": label, "path": member.filename[:100]}
            )
