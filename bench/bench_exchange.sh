#!/usr/bin/env bash
# Data package round trip on the demo district between two throw-away SQLite databases.
#
#     bash bench/bench_exchange.sh [YEAR]
#
# Builds the demo in database A, exports D00 (with its subtree) for YEAR, imports the package
# into a fresh database B, imports it again, and compares the unit-year figures of A and B
# (luoshi.exchange.selectors.FIGURES). Prints the wall time of each step.
set -euo pipefail
cd "$(dirname "$0")/.."
YEAR="${1:-$(date +%Y)}"
TMP="$(mktemp -d /tmp/luoshi-bench-exchange-XXXX)"
PY=.venv/bin/python
run() { # run DB_NAME command...
    local db="$1"; shift
    DATABASE_URL="sqlite:///$TMP/$db.sqlite3" LUOSHI_VAR_DIR="$TMP/$db" "$@"
}
step() { # label command...
    local label="$1"; shift
    local start end
    start=$(date +%s.%N); "$@" >"$TMP/last.log"; end=$(date +%s.%N)
    printf '%-28s %6.1f s   %s\n' "$label" "$(echo "$end - $start" | bc)" "$(tail -n +1 "$TMP/last.log" | head -1)"
}
figures='import django; django.setup()
from luoshi.exchange.selectors import FIGURES
from luoshi.units.models import Unit
import json, sys
f = FIGURES(Unit.objects.get(code="D00"), int(sys.argv[1]), True)
print(json.dumps({"counts": f["counts"], "duty_progress": sorted(map(repr, f["duty_progress"].items()))}, sort_keys=True))'
export DJANGO_SETTINGS_MODULE=luoshi.settings
step "A: migrate + load_demo" run a sh -c "$PY manage.py migrate -v0 && $PY manage.py load_demo | tail -1"
step "A: export_package" run a $PY manage.py export_package --unit D00 --year "$YEAR" --subtree -o "$TMP/d00.zip"
ls -l "$TMP/d00.zip" | awk '{print "   package size", $5, "bytes"}'
step "B: migrate" run b $PY manage.py migrate -v0
step "B: import_package --dry-run" run b $PY manage.py import_package "$TMP/d00.zip" --dry-run
step "B: import_package" run b $PY manage.py import_package "$TMP/d00.zip"
step "B: import_package (again)" run b $PY manage.py import_package "$TMP/d00.zip"
run a $PY -c "$figures" "$YEAR" >"$TMP/a.json"
run b $PY -c "$figures" "$YEAR" >"$TMP/b.json"
if cmp -s "$TMP/a.json" "$TMP/b.json"; then echo "figures of A and B: identical"; else echo "figures DIFFER: diff $TMP/a.json $TMP/b.json"; exit 1; fi
rm -rf "$TMP"
