"""Evidence in backups (``manage.py backup`` / ``restore``, luoshi.core.backup): every file the
database records, copied from wherever evidence lives now (disk or S3) into the backup's
``evidence/`` folder, each checked against its recorded SHA-256; restored into wherever
evidence lives at restore time, each checked again."""

from pathlib import Path

from django.utils.translation import gettext as _

from luoshi.core.backup import BackupError
from luoshi.core.registry import SavedFiles
from luoshi.evidence.storage import active_store, copy_blobs, folder_store, referenced_blobs


def save(folder: Path) -> SavedFiles:
    """Copy every referenced blob into ``folder``; a missing or damaged one is reported,
    never written as if it were good."""
    report = copy_blobs(active_store(), folder_store(folder), referenced_blobs())
    return SavedFiles(files=report.intact, problems=report.messages())


def restore(folder: Path, files: dict[str, str]) -> int:
    """Write the backup's blobs ({name: SHA-256}) into the store in use; blobs already there
    with the right bytes are kept. Returns how many the store now holds intact."""
    report = copy_blobs(folder_store(folder), active_store(), files)
    if report.problems:
        raise BackupError(_("恢复佐证文件失败：") + "；".join(report.messages()[:20]))
    return len(report.intact)


def where() -> str:
    return active_store().label
