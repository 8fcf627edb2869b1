"""The ``luoshi`` command (``[project.scripts]``) and ``python -m luoshi``: Django's management
utility with luoshi's settings, from the installed package — no checkout, no manage.py.
``luoshi migrate``, ``luoshi collectstatic``, ``luoshi run_worker``, ``luoshi backup DIR`` …"""

import contextlib
import os
import sys

from django.conf import settings
from django.core.management import execute_from_command_line


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "luoshi.settings")

    # var/ holds the default SQLite database and files: make it before a command connects
    # (settings write nothing at import). A server sets LUOSHI_VAR_DIR to its state folder.
    # On a read-only install without LUOSHI_VAR_DIR the command itself says what it misses.
    with contextlib.suppress(OSError):
        settings.VAR_DIR.mkdir(parents=True, exist_ok=True)

    execute_from_command_line(["luoshi", *(sys.argv[1:] if argv is None else argv)])


if __name__ == "__main__":
    main()
