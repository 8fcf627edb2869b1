"""Uploaded packages awaiting confirmation: saved under a random token, removed on import,
on cancel, and when older than ``EXCHANGE_UPLOAD_HOURS`` (whenever a package is uploaded,
and by ``manage.py clear_exchange_uploads`` from cron)."""

from __future__ import annotations

import secrets
import time
from pathlib import Path

from django.conf import settings


def upload_dir() -> Path:
    path = Path(settings.EXCHANGE_UPLOAD_DIR)
    path.mkdir(parents=True, exist_ok=True)
    return path


def path_for(token: str) -> Path | None:
    """The saved upload of ``token``, or None (unknown, or not a token at all)."""
    if len(token) != 32 or not token.isalnum():
        return None
    path = upload_dir() / f"{token}.zip"
    return path if path.exists() else None


def save(uploaded) -> str:
    """Save an UploadedFile in chunks; returns its token. Sweeps expired uploads first."""
    clear_expired()
    token = secrets.token_hex(16)
    with (upload_dir() / f"{token}.zip").open("wb") as out:
        for chunk in uploaded.chunks():
            out.write(chunk)
    return token


def discard(token: str) -> None:
    path = path_for(token)
    if path is not None:
        path.unlink(missing_ok=True)


def clear_expired(hours: float | None = None) -> int:
    """Remove uploads older than ``hours`` (default ``EXCHANGE_UPLOAD_HOURS``); returns how many."""
    hours = settings.EXCHANGE_UPLOAD_HOURS if hours is None else hours
    cutoff = time.time() - hours * 3600
    removed = 0
    for path in upload_dir().glob("*.zip"):
        try:
            if path.stat().st_mtime < cutoff:
                path.unlink()
                removed += 1
        except FileNotFoundError:  # removed meanwhile by another process
            continue
    return removed
