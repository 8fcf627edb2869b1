# luoshi — developer and CI entry points (GNU make).
#   make run     migrate, load demo data, serve on http://127.0.0.1:8000 (+ a db_worker)
#   make test    lint, deployment checks, pytest on SQLite and (if reachable) PostgreSQL,
#                then a subset on the second Python (3.13, .venv313)
#   make check-deploy  scripts/check_deploy.sh: installed package, check --deploy, nginx -t,
#                systemd-analyze verify/security
#   make lint    ruff + migrations check + mypy (scripts/mypy_targets.sh)
#   make bench   bench/run.py --scale small (SQLite), then the other bench/*.py
#   make fuzz    long hypothesis run of the hostile-input and fuzz tests, new examples each run
#                (FUZZ_EXAMPLES=2000; `make test` draws the same examples every time)
#   make soak    bounded load + soak on loopback gunicorn (SOAK_USERS=10, SOAK_SECONDS=300)
#   make clean   remove .venv, .venv313 and var/

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

VENV   := .venv
VPY    := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
PG_URL ?= postgres://postgres@127.0.0.1:5432/luoshi
# The test run talks to the same server over its Unix socket when there is one (a query's
# round trip costs a third of loopback TCP's), and its connections do not wait for the WAL
# flush on commit (a throwaway database: migrations and the transactional tests commit
# hundreds of times).
PG_SOCKET_DIR ?= /var/run/postgresql
PG_TEST_BASE := $(if $(wildcard $(PG_SOCKET_DIR)/.s.PGSQL.5432),postgres://postgres@$(subst /,%2F,$(PG_SOCKET_DIR)):5432/luoshi,$(PG_URL))
PG_TEST_URL ?= $(PG_TEST_BASE)?options=-c%20synchronous_commit%3Doff
# When make started (seconds since the epoch): `make test` prints the wall time from here.
STARTED := $(shell date +%s)

export DJANGO_SETTINGS_MODULE := luoshi.settings
# Bytecode is cached (__pycache__, ignored by git) even where the environment turns that off
# (PYTHONDONTWRITEBYTECODE): `make test` starts dozens of Python processes (the two suites,
# lint, the deployment checks, the subprocesses of the deployment and settings tests), and each
# would otherwise compile every module it imports again: 3 s of CPU for a Django process.
unexport PYTHONDONTWRITEBYTECODE
export PIP_DISABLE_PIP_VERSION_CHECK := 1

# First supported Python (3.12 or 3.13, pyproject's requires-python) that actually runs (pyenv
# shims may exist but fail); 3.12 first. Override with `make PYTHON=/path/to/python3.x ...`.
SUPPORTED := (3, 12), (3, 13)
candidates = $(1) $(wildcard $(HOME)/.pyenv/versions/$(2)*/bin/$(1)) /usr/local/bin/$(1) /usr/bin/$(1)
PYTHON_CANDIDATES := $(call candidates,python3.12,3.12) $(call candidates,python3.13,3.13)
# CI's second Python: a subset of the tests on 3.13 in .venv313 (skipped with a warning when
# no Python 3.13 runs here). Override with `make PYTHON313=/path/to/python3.13 ...`.
VENV313 := .venv313
STAMP313 := $(VENV313)/.installed
PYTHON313_CANDIDATES := $(call candidates,python3.13,3.13)
# test_ldap_login: python-ldap is a C extension built for each Python (against a real slapd).
TESTS313 := tests/test_smoke.py tests/test_deploy.py tests/test_health.py tests/test_api_v1.py \
  tests/test_ldap_login.py

.PHONY: help run lint test test-py313 venv313 check-deploy bench fuzz soak clean sysdeps venv

help:
	@echo "targets: run | test | lint | check-deploy | test-py313 | bench | fuzz | soak | sysdeps | venv | clean"

sysdeps:
	@bash scripts/sysdeps.sh

# Packages go into a venv with uv (pinned in pyproject's dev extra): it fetches and installs in
# parallel, ~10 s for the whole dev set where pip takes a minute, and builds python-ldap the same
# way. It leaves the bytecode to be compiled on first import, of the modules imported only
# (compiling all of it costs 27 s of CPU a venv). Where uv cannot be had (only a pip mirror),
# pip installs the same set.
UV_PIN := $(shell grep -o '"uv==[^"]*"' pyproject.toml | tr -d '"')
install_into = { $(1) -m pip install -q $(UV_PIN) && $(dir $(1))uv pip install -q --python $(1) $(2); } \
  || { echo "== uv unavailable: installing with pip =="; $(1) -m pip install -q --upgrade pip && $(1) -m pip install -q $(2); }

venv: $(STAMP)

$(STAMP): pyproject.toml
	@py="$(PYTHON)"; \
	if [ -z "$$py" ]; then \
	  for p in $(PYTHON_CANDIDATES); do \
	    if "$$p" -c 'import sys; assert sys.version_info[:2] in ($(SUPPORTED))' >/dev/null 2>&1; then py="$$p"; break; fi; \
	  done; \
	fi; \
	if [ -z "$$py" ]; then \
	  echo "error: no working Python 3.12 or 3.13 found (tried: $(PYTHON_CANDIDATES))." >&2; \
	  echo "       install one or run: make PYTHON=/path/to/python3.x ..." >&2; \
	  exit 1; \
	fi; \
	if [ -x "$(VPY)" ] && ! "$(VPY)" -c 'import sys' >/dev/null 2>&1; then \
	  echo "== $(VENV) is broken; recreating =="; rm -rf "$(VENV)"; \
	fi; \
	if [ ! -x "$(VPY)" ]; then \
	  echo "== creating $(VENV) with $$py =="; "$$py" -m venv "$(VENV)"; \
	fi
	@echo "== installing luoshi[dev] into $(VENV) =="
	$(call install_into,$(VPY),-e '.[dev]')
	@touch $@

# The demo server asks no second factor unless OTP_REQUIRED_ROLES is set (a deployment's
# default requires it of 系统管理员: docs/login-security.md).
run: sysdeps $(STAMP)
	@export DEBUG="$${DEBUG:-1}" OTP_REQUIRED_ROLES="$${OTP_REQUIRED_ROLES-}"; \
	$(VPY) manage.py rename_app_labels; \
	$(VPY) manage.py migrate --noinput; \
	$(VPY) manage.py load_demo --if-empty; \
	$(VPY) manage.py run_schedules --enqueue; \
	$(VPY) manage.py run_worker --no-reload & worker=$$!; \
	trap 'kill $$worker 2>/dev/null || true' EXIT INT TERM; \
	$(VPY) manage.py runserver 127.0.0.1:8000

lint: $(STAMP)
	@echo "== lint =="
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VPY) manage.py makemigrations --check --dry-run
	$(VENV)/bin/mypy $$(bash scripts/mypy_targets.sh)

# pytest exit code 5 (no tests collected) counts as a failure.
# The PostgreSQL run (when PostgreSQL answers) goes in the background while lint, the
# deployment checks and the SQLite run hold the terminal: the two suites share nothing (in-memory SQLite vs test_luoshi, temporary
# folders, random ports), and on 2 cores this halves the wall time of CI.
check-deploy: sysdeps $(STAMP)
	bash scripts/check_deploy.sh $(VPY)

# The second Python's venv is made while .venv is (they share nothing: .venv313 builds nothing in
# the checkout), so the second core is not idle during the installs. Then everything runs at
# once: the PostgreSQL suite, lint with the deployment checks and the second Python's subset in
# the background (their logs printed at the end; their failure fails `make test`), the SQLite
# suite in the foreground. Started first, the short jobs share the cores with the long suites
# instead of running alone on one core before or after them.
test: sysdeps
	@mkdir -p var; \
	$(MAKE) --no-print-directory venv313 > var/venv313.log 2>&1 & venv313pid=$$!; \
	$(MAKE) --no-print-directory venv || { wait $$venv313pid; exit 1; }; \
	pg=0; pgpid=; \
	if command -v pg_isready >/dev/null 2>&1; then \
	  pg_isready -h 127.0.0.1 -p 5432 -q && pg=1 || true; \
	else \
	  $(VPY) -c 'import socket; socket.create_connection(("127.0.0.1", 5432), timeout=2).close()' 2>/dev/null && pg=1 || true; \
	fi; \
	if [ $$pg = 1 ]; then \
	  $(VPY) -c 'import psycopg, sys; \
	  c = psycopg.connect("postgres://postgres@127.0.0.1:5432/postgres", autocommit=True); \
	  c.execute("SELECT 1 FROM pg_database WHERE datname = %s", ("luoshi",)).fetchone() or c.execute("CREATE DATABASE luoshi")' \
	    || echo "(could not create database luoshi; pytest-django creates test_luoshi itself)"; \
	  mkdir -p var; \
	  echo "== tests on PostgreSQL: running in the background (var/test-postgresql.log) =="; \
	  ( started=$$SECONDS; rc=0; \
	    DATABASE_URL='$(PG_TEST_URL)' $(VENV)/bin/pytest -q -p no:cacheprovider --durations=15 --database-tests-only --ignore=tests/browser || rc=$$?; \
	    echo "== PostgreSQL suite: $$((SECONDS - started)) s wall =="; exit $$rc \
	  ) > var/test-postgresql.log 2>&1 & pgpid=$$!; \
	  trap 'kill $$pgpid $${py313pid:-} $${lintpid:-} 2>/dev/null || true' INT TERM; \
	else \
	  echo "== PostgreSQL not reachable on 127.0.0.1:5432: SQLite only =="; \
	fi; \
	echo "== second Python: running in the background (var/test-py313.log) =="; \
	( while kill -0 $$venv313pid 2>/dev/null; do sleep 1; done; cat var/venv313.log; \
	  $(MAKE) --no-print-directory test-py313 ) > var/test-py313.log 2>&1 & py313pid=$$!; \
	echo "== lint and deployment checks: running in the background (var/lint.log) =="; \
	$(MAKE) --no-print-directory lint check-deploy > var/lint.log 2>&1 & lintpid=$$!; \
	workers=; [ $$pg = 1 ] || workers="-n 2"; \
	echo "== tests on SQLite $${workers:+(two processes: PostgreSQL does not use the second core)} =="; \
	started=$$SECONDS; sqlite_rc=0; env -u DATABASE_URL $(VENV)/bin/pytest -q --durations=15 $$workers || sqlite_rc=$$?; \
	echo "== SQLite suite: $$((SECONDS - started)) s wall =="; \
	lint_rc=0; wait $$lintpid || lint_rc=$$?; \
	echo "== lint and deployment checks (exit $$lint_rc) =="; cat var/lint.log; \
	pg_rc=0; \
	if [ -n "$$pgpid" ]; then \
	  wait $$pgpid || pg_rc=$$?; \
	  echo "== tests on PostgreSQL (exit $$pg_rc) =="; cat var/test-postgresql.log; \
	fi; \
	py313_rc=0; wait $$py313pid || py313_rc=$$?; cat var/test-py313.log; \
	echo "== lint and deployment checks exit $$lint_rc, SQLite exit $$sqlite_rc, PostgreSQL exit $$pg_rc, second Python exit $$py313_rc =="; \
	echo "== CI wall time (make test, lint included): $$(( $$(date +%s) - $(STARTED) )) s =="; \
	[ $$lint_rc -eq 0 ] && [ $$sqlite_rc -eq 0 ] && [ $$pg_rc -eq 0 ] && [ $$py313_rc -eq 0 ]

# The second Python: .venv313 (created once), a subset of the tests on SQLite. Its venv gets
# the dependencies only (pyproject's, with the dev extra) and finds luoshi in the checkout
# (a .pth file): it builds nothing in the checkout, so `make test` creates it beside .venv.
venv313:
	@py="$(PYTHON313)"; \
	if [ -z "$$py" ]; then \
	  for p in $(PYTHON313_CANDIDATES); do \
	    if "$$p" -c 'import sys; assert sys.version_info[:2] == (3, 13)' >/dev/null 2>&1; then py="$$p"; break; fi; \
	  done; \
	fi; \
	if [ -z "$$py" ]; then echo "== WARNING: no Python 3.13 here: second-Python tests skipped =="; exit 0; fi; \
	if [ ! -f "$(STAMP313)" ] || [ pyproject.toml -nt "$(STAMP313)" ]; then \
	  echo "== installing luoshi's dependencies into $(VENV313) with $$py =="; \
	  rm -rf "$(VENV313)"; "$$py" -m venv "$(VENV313)"; \
	  $(VENV313)/bin/python -c 'import tomllib; p = tomllib.load(open("pyproject.toml", "rb"))["project"]; \
	    print("\n".join(p["dependencies"] + p["optional-dependencies"]["dev"]))' > $(VENV313)/requirements.txt; \
	  $(call install_into,$(VENV313)/bin/python,-r $(VENV313)/requirements.txt); \
	  $(VENV313)/bin/python -c 'import sys, sysconfig; \
	    open(sysconfig.get_path("purelib") + "/luoshi-checkout.pth", "w").write(sys.argv[1] + "\n")' "$$PWD"; \
	  touch "$(STAMP313)"; \
	fi

test-py313: venv313
	@if [ ! -x "$(VENV313)/bin/pytest" ]; then exit 0; fi; \
	echo "== tests on $$($(VENV313)/bin/python -V) (subset) =="; \
	env -u DATABASE_URL $(VENV313)/bin/pytest -q -p no:cacheprovider $(TESTS313)

# Issue-8 scenarios at small scale on SQLite (var/bench/small.sqlite3, generated once),
# then every other bench/*.py. Full scale: see bench/RESULTS.md.
bench: $(STAMP)
	@echo "== bench/run.py --scale small =="
	env -u DATABASE_URL $(VPY) bench/run.py --scale small
	@shopt -s nullglob; for f in bench/*.py; do \
	  [ "$$f" = bench/run.py ] && continue; echo "== $$f =="; env -u DATABASE_URL $(VPY) "$$f"; \
	done

FUZZ_EXAMPLES ?= 2000
fuzz: $(STAMP)
	FUZZ_EXAMPLES=$(FUZZ_EXAMPLES) env -u DATABASE_URL $(VENV)/bin/pytest -q -p no:cacheprovider \
	  tests/test_hostile_input.py tests/test_form_fuzz.py tests/test_api_schema.py -k fuzz

SOAK_USERS ?= 10
SOAK_SECONDS ?= 300
soak: $(STAMP)
	$(VPY) bench/soak.py --users $(SOAK_USERS) --seconds $(SOAK_SECONDS)

clean:
	rm -rf $(VENV) $(VENV313) var/
