#!/usr/bin/env bash
# The modules `make lint` type-checks with mypy (+ django-stubs, pyproject's [tool.mypy]):
# luoshi/core and every app's services.py and selectors.py. Prints them one per line.
set -euo pipefail
cd "$(dirname "$0")/.."
echo luoshi/core
ls luoshi/*/services.py luoshi/*/selectors.py
