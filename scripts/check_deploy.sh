#!/usr/bin/env bash
# Checks the shipped deployment files as an operator would use them (called by `make test`):
#  1. the package installed (not editable) into a fresh virtualenv: the `luoshi` command works
#     outside the checkout and finds its templates and static files in site-packages;
#  2. `luoshi check --deploy` is clean with deploy/luoshi.env.example (plus a generated
#     SECRET_KEY, as the install step does), and `luoshi collectstatic` (the install step)
#     leaves what /readyz expects, without source maps;
#  3. `nginx -t` on deploy/nginx.conf with Debian's nginx (certificate paths pointed at a
#     throw-away self-signed pair);
#  4. `systemd-analyze verify` on every unit (with the shared hardening drop-in) and
#     `systemd-analyze security` ≤ 4.0 for each service.
# Usage: scripts/check_deploy.sh [PYTHON]   (default: .venv/bin/python)
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT="$PWD"
PY="${1:-.venv/bin/python}"
PY="$(cd "$(dirname "$PY")" && pwd)/$(basename "$PY")"  # absolute, symlink kept (venv)
MAX_EXPOSURE=4.0
TMP="$(mktemp -d)"
trap 'rm -rf "$TMP"' EXIT
fail() { echo "check_deploy: FAIL: $*" >&2; exit 1; }
step() { echo "== check_deploy: $* =="; }

step "install the package (wheel, not editable) into a fresh virtualenv"
mkdir "$TMP/src"  # a copy: setuptools leaves build/ and *.egg-info where it builds
cp -r pyproject.toml README.md luoshi "$TMP/src/"
"$PY" -m pip wheel -q --no-deps --no-build-isolation --no-index -w "$TMP/dist" "$TMP/src" >/dev/null
"$PY" -m venv --without-pip "$TMP/venv"
"$PY" -m pip --python "$TMP/venv/bin/python" install -q --no-deps --no-index "$TMP"/dist/luoshi-*.whl
# Dependencies from the project's virtualenv (a plain path: its editable luoshi stays out).
"$TMP/venv/bin/python" -c 'import sys; print(sys.argv[1])' \
  "$("$PY" -c 'import sysconfig; print(sysconfig.get_path("purelib"))')" \
  > "$("$TMP/venv/bin/python" -c 'import sysconfig; print(sysconfig.get_path("purelib"))')/luoshi-deps.pth"
BIN="$TMP/venv/bin"
# gunicorn's script belongs to the dependencies; give the fresh virtualenv its own.
printf '#!%s\nfrom gunicorn.app.wsgiapp import run\nrun()\n' "$BIN/python" > "$BIN/gunicorn"
chmod +x "$BIN/gunicorn"
[ -x "$BIN/luoshi" ] || fail "no luoshi console script"

step "luoshi check --deploy with deploy/luoshi.env.example, outside the checkout"
mkdir -p "$TMP/var" "$TMP/static"
grep -v '^\s*#' deploy/luoshi.env.example | grep -v '^\s*$' > "$TMP/luoshi.env"
sed -i "s|^SECRET_KEY=.*|SECRET_KEY=$("$PY" -c 'import secrets; print(secrets.token_urlsafe(50))')|" "$TMP/luoshi.env"
sed -i "s|^LUOSHI_VAR_DIR=.*|LUOSHI_VAR_DIR=$TMP/var|; s|^STATIC_ROOT=.*|STATIC_ROOT=$TMP/static|" "$TMP/luoshi.env"
(
  cd "$TMP"
  set -a; . "$TMP/luoshi.env"; set +a
  unset PYTHONPATH
  where="$("$BIN/python" -c 'import luoshi, os; print(os.path.dirname(luoshi.__file__))')"
  case "$where" in "$TMP"/venv/*) ;; *) fail "luoshi imported from $where, not the installed package" ;; esac
  "$BIN/luoshi" check --deploy --fail-level WARNING
  found="$("$BIN/luoshi" findstatic --first luoshi/app.css | tail -1)"
  case "$found" in *"$TMP"/venv/*) ;; *) fail "static files not in the installed package: $found" ;; esac
  "$BIN/luoshi" help run_worker >/dev/null
  # the install step: collectstatic (hashed, compressed) from the installed package
  start=$(date +%s)
  "$BIN/luoshi" collectstatic --noinput -v 0
  echo "collectstatic: $(( $(date +%s) - start )) s, $(find "$TMP/static" -type f | wc -l) files"
  [ -z "$(find "$TMP/static" -name '*.map' -o -path '*/rest_framework/*' | head -1)" ] \
    || fail "collectstatic copied source maps or DRF's static files"
  "$BIN/luoshi" shell -v 0 -c 'from luoshi.health.checks import _static; assert _static() == "ok"' \
    || fail "static files missing after collectstatic (/readyz would say so)"
  "$BIN/python" -c 'import luoshi.gunicorn_conf'
)  # no "|| …" here: that would switch off set -e inside the subshell

step "nginx -t deploy/nginx.conf ($(nginx -v 2>&1 | sed 's/.*: //'))"
command -v nginx >/dev/null || fail "nginx is not installed (scripts/sysdeps.sh installs it)"
openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=luoshi.example.gov.cn \
  -keyout "$TMP/privkey.pem" -out "$TMP/fullchain.pem" 2>/dev/null
sed "s|/etc/ssl/luoshi/|$TMP/|g" deploy/nginx.conf > "$TMP/luoshi-site.conf"
cat > "$TMP/nginx.conf" <<CONF
pid $TMP/nginx.pid;
error_log $TMP/error.log;
events {}
http {
    include /etc/nginx/mime.types;
    include $TMP/luoshi-site.conf;
}
CONF
nginx -t -q -e "$TMP/error.log" -p "$TMP" -c "$TMP/nginx.conf" || fail "nginx -t"

step "systemd-analyze verify and security on deploy/systemd"
command -v systemd-analyze >/dev/null || fail "systemd-analyze is not installed"
mkdir "$TMP/units"
cp -r deploy/systemd/. "$TMP/units/"
# The units name /opt/luoshi/venv/bin/...: point them at the virtualenv installed above.
sed -i "s|/opt/luoshi/venv/bin/|$BIN/|g" "$TMP"/units/*.service
units=()
for f in deploy/systemd/*.service deploy/systemd/*.timer; do units+=("$(basename "$f")"); done
out="$(cd "$TMP" && SYSTEMD_UNIT_PATH="$TMP/units:" systemd-analyze verify "${units[@]}" 2>&1)" \
  || fail "systemd-analyze verify: $out"
[ -z "$out" ] || fail "systemd-analyze verify: $out"
for unit in "${units[@]}"; do
  [[ "$unit" == *.service ]] || continue
  level="$(SYSTEMD_UNIT_PATH="$TMP/units:" systemd-analyze security --offline=true "$unit" \
    | sed -n 's/.*Overall exposure level for [^:]*: \([0-9.]*\).*/\1/p')"
  [ -n "$level" ] || fail "systemd-analyze security gave no level for $unit"
  awk -v l="$level" -v m="$MAX_EXPOSURE" 'BEGIN { exit !(l <= m) }' \
    || fail "$unit: exposure $level > $MAX_EXPOSURE"
  echo "$unit: exposure $level"
done
echo "check_deploy: OK"
