#!/usr/bin/env bash
# Install the Debian packages luoshi needs (fonts, Pango and fontconfig for PDF/charts, headless
# Chromium for browser tests, poppler for PDF checks, LibreOffice Writer for importing .doc/.wps
# reports, gettext; nginx and systemd-analyze for the deployment checks; the LDAP client
# headers python-ldap builds against, and slapd + ldap-utils for the LDAP login tests).
# Idempotent: prints nothing and exits 0 when everything is present.
# Never fails the caller: without permission it only warns (tests needing
# Chromium skip themselves).
set -u

PKGS=(
  fonts-noto-cjk
  fonts-arphic-ukai
  fonts-arphic-gkai00mp
  libharfbuzz-subset0
  libpango-1.0-0
  libpangoft2-1.0-0
  fontconfig
  chromium-headless-shell
  poppler-utils
  libreoffice-writer-nogui
  gettext
  # deployment files, checked by scripts/check_deploy.sh
  nginx
  openssl
  systemd
  # unified login: python-ldap is built from source against these; the tests start a slapd
  libldap-dev
  libsasl2-dev
  slapd
  ldap-utils
)

if ! command -v dpkg-query >/dev/null 2>&1; then
  echo "sysdeps: dpkg-query not found (not a Debian system); please install the equivalents of: ${PKGS[*]}" >&2
  exit 0
fi

missing=()
for p in "${PKGS[@]}"; do
  status="$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)"
  if [ "$status" != "install ok installed" ]; then
    missing+=("$p")
  fi
done

[ "${#missing[@]}" -eq 0 ] && exit 0

SUDO=()
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1 && sudo -n true >/dev/null 2>&1; then
    SUDO=(sudo -n)
  else
    echo "sysdeps: WARNING: missing Debian packages: ${missing[*]}" >&2
    echo "sysdeps: not root and no passwordless sudo; install them with:" >&2
    echo "  sudo apt-get install -y --no-install-recommends ${missing[*]}" >&2
    echo "sysdeps: continuing; tests that need them will be skipped." >&2
    exit 0
  fi
fi

echo "sysdeps: installing missing Debian packages: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
if ! "${SUDO[@]}" apt-get update -q >/dev/null; then
  echo "sysdeps: WARNING: apt-get update failed" >&2
fi
if ! "${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive \
    apt-get install -y -q --no-install-recommends "${missing[@]}"; then
  echo "sysdeps: WARNING: apt-get install failed for: ${missing[*]}" >&2
  echo "sysdeps: continuing; tests that need them will be skipped." >&2
fi
exit 0
