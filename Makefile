# luoshi — developer and CI entry points (GNU make).
#   make run     migrate, load demo data, serve on http://127.0.0.1:8000 (+ a db_worker)
#   make test    lint, then pytest on SQLite and (if reachable) PostgreSQL
#   make lint    ruff + migrations check
#   make bench   bench/run.py --scale small (SQLite), then the other bench/*.py
#   make fuzz    long hypothesis run of the hostile-input tests (FUZZ_EXAMPLES=2000)
#   make soak    bounded load + soak on loopback gunicorn (SOAK_USERS=10, SOAK_SECONDS=300)
#   make clean   remove .venv and var/

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

VENV   := .venv
VPY    := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
PG_URL ?= postgres://postgres@127.0.0.1:5432/luoshi
# When make started (seconds since the epoch): `make test` prints the wall time from here.
STARTED := $(shell date +%s)

export DJANGO_SETTINGS_MODULE := luoshi.settings
export PIP_DISABLE_PIP_VERSION_CHECK := 1

# First Python 3.12 that actually runs (pyenv shims may exist but fail).
# Override with `make PYTHON=/path/to/python3.12 ...`.
PYTHON_CANDIDATES := python3.12 $(wildcard $(HOME)/.pyenv/versions/3.12*/bin/python3.12) \
                     /usr/local/bin/python3.12 /usr/bin/python3.12

.PHONY: help run lint test bench fuzz soak clean sysdeps venv

help:
	@echo "targets: run | test | lint | bench | fuzz | soak | sysdeps | venv | clean"

sysdeps:
	@bash scripts/sysdeps.sh

venv: $(STAMP)

$(STAMP): pyproject.toml
	@py="$(PYTHON)"; \
	if [ -z "$$py" ]; then \
	  for p in $(PYTHON_CANDIDATES); do \
	    if "$$p" -c 'import sys; assert sys.version_info[:2] == (3, 12)' >/dev/null 2>&1; then py="$$p"; break; fi; \
	  done; \
	fi; \
	if [ -z "$$py" ]; then \
	  echo "error: no working Python 3.12 found (tried: $(PYTHON_CANDIDATES))." >&2; \
	  echo "       install it or run: make PYTHON=/path/to/python3.12 ..." >&2; \
	  exit 1; \
	fi; \
	if [ -x "$(VPY)" ] && ! "$(VPY)" -c 'import sys' >/dev/null 2>&1; then \
	  echo "== $(VENV) is broken; recreating =="; rm -rf "$(VENV)"; \
	fi; \
	if [ ! -x "$(VPY)" ]; then \
	  echo "== creating $(VENV) with $$py =="; "$$py" -m venv "$(VENV)"; \
	fi
	@echo "== installing luoshi[dev] into $(VENV) =="
	$(VPY) -m pip install -q --upgrade pip
	$(VPY) -m pip install -q -e '.[dev]'
	@touch $@

run: sysdeps $(STAMP)
	@export DEBUG="$${DEBUG:-1}"; \
	$(VPY) manage.py migrate --noinput; \
	$(VPY) manage.py load_demo --if-empty; \
	$(VPY) manage.py run_schedules --enqueue; \
	$(VPY) manage.py db_worker --no-reload & worker=$$!; \
	trap 'kill $$worker 2>/dev/null || true' EXIT INT TERM; \
	$(VPY) manage.py runserver 127.0.0.1:8000

lint: $(STAMP)
	@echo "== lint =="
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VPY) manage.py makemigrations --check --dry-run

# pytest exit code 5 (no tests collected) counts as a failure.
# The PostgreSQL run (when PostgreSQL answers) goes in the background while the SQLite run
# holds the terminal: the two suites share nothing (in-memory SQLite vs test_luoshi, temporary
# folders, random ports), and on 2 cores this halves the wall time of CI.
test: sysdeps $(STAMP) lint
	@pg=0; pgpid=; \
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
	    DATABASE_URL='$(PG_URL)' $(VENV)/bin/pytest -q -p no:cacheprovider || rc=$$?; \
	    echo "== PostgreSQL suite: $$((SECONDS - started)) s wall =="; exit $$rc \
	  ) > var/test-postgresql.log 2>&1 & pgpid=$$!; \
	  trap 'kill $$pgpid 2>/dev/null || true' INT TERM; \
	else \
	  echo "== PostgreSQL not reachable on 127.0.0.1:5432: SQLite only =="; \
	fi; \
	echo "== tests on SQLite =="; \
	started=$$SECONDS; sqlite_rc=0; env -u DATABASE_URL $(VENV)/bin/pytest -q || sqlite_rc=$$?; \
	echo "== SQLite suite: $$((SECONDS - started)) s wall =="; \
	pg_rc=0; \
	if [ -n "$$pgpid" ]; then \
	  wait $$pgpid || pg_rc=$$?; \
	  echo "== tests on PostgreSQL (exit $$pg_rc) =="; cat var/test-postgresql.log; \
	fi; \
	echo "== SQLite exit $$sqlite_rc, PostgreSQL exit $$pg_rc =="; \
	echo "== CI wall time (make test, lint included): $$(( $$(date +%s) - $(STARTED) )) s =="; \
	[ $$sqlite_rc -eq 0 ] && [ $$pg_rc -eq 0 ]

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
	  tests/test_hostile_input.py tests/test_form_fuzz.py -k fuzz

SOAK_USERS ?= 10
SOAK_SECONDS ?= 300
soak: $(STAMP)
	$(VPY) bench/soak.py --users $(SOAK_USERS) --seconds $(SOAK_SECONDS)

clean:
	rm -rf $(VENV) var/
