#!/usr/bin/env python
import os
import sys


def main():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "luoshi.settings")
    from django.conf import settings
    from django.core.management import execute_from_command_line

    # var/ holds the default SQLite database: make it before any command connects.
    settings.VAR_DIR.mkdir(parents=True, exist_ok=True)
    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
