# omag — make run (serve the demo) and make test (the whole suite).
SHELL := /bin/bash
.DEFAULT_GOAL := run

VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000

# The first interpreter that is Python 3.12 or newer: $PYTHON if given, then the
# usual names, then pyenv's installs (this machine's default python3 is 3.11).
FIND_PYTHON = for c in "$$PYTHON" python3.13 python3.12 $$(ls -d $$HOME/.pyenv/versions/3.1[2-9]*/bin/python3 2>/dev/null) python3; do \
	  [ -n "$$c" ] || continue; \
	  command -v "$$c" >/dev/null 2>&1 || [ -x "$$c" ] || continue; \
	  "$$c" -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null && { echo "$$c"; exit 0; }; \
	done; exit 1

.PHONY: run test install demo lint format bench clean

$(VENV)/.installed: pyproject.toml
	@if [ ! -x $(PY) ] || ! $(PY) -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null; then \
	  py=$$($(FIND_PYTHON)) || { echo "omag needs Python 3.12 or newer (Django 6.1 requires it). Install it (e.g. 'pyenv install 3.12') or set PYTHON=/path/to/python3.12." >&2; exit 1; }; \
	  echo "Creating $(VENV) with $$py"; rm -rf $(VENV); "$$py" -m venv $(VENV); \
	fi
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	@touch $@

install: $(VENV)/.installed

demo: install
	$(PY) manage.py migrate --noinput
	$(PY) manage.py load_demo

run: demo
	@echo
	@echo "omag is served on http://$(HOST):$(PORT)/  (admin: http://$(HOST):$(PORT)/admin/)"
	$(PY) manage.py demo_accounts
	@echo
	$(PY) manage.py runserver $(HOST):$(PORT)

test: install vnu
	$(PY) manage.py makemigrations --check --dry-run >/dev/null
	$(PY) -m pytest $(PYTEST_ARGS)

# The Nu HTML Checker for the HTML validity tests: vnu.jar from the npm registry
# (its Java download script is skipped: the machine's Java 17 runs it).
VNU_VERSION := 26.9.27
VNU_JAR := .cache/vnu/node_modules/vnu-jar/build/dist/vnu.jar
.PHONY: vnu
vnu: $(VNU_JAR)
$(VNU_JAR):
	@if command -v npm >/dev/null 2>&1; then \
	  npm install --prefix .cache/vnu --no-save --no-audit --no-fund --ignore-scripts vnu-jar@$(VNU_VERSION) \
	    || echo "Could not fetch vnu-jar: the HTML validity tests will be skipped (CI fails them)." >&2; \
	else echo "npm not found: the HTML validity tests will be skipped (CI fails them)." >&2; fi

# Benchmark (bounded to 15 minutes): PostgreSQL and Redis as running on this
# machine, gunicorn with production settings, wrk from Debian. See docs/performance.md.
bench: install
	@command -v wrk >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null; }
	@pg_isready -h 127.0.0.1 -p 5432 -q || { echo "PostgreSQL is not running on 127.0.0.1:5432" >&2; exit 1; }
	timeout 900 $(PY) tests/bench/run.py

# Faults and several nodes (tests/faults/), then load with writes (tests/load/):
# each on a PRIVATE PostgreSQL (port 55432, own data folder) and Redis (56379)
# that they stop and restart; the machine's servers are never touched.
.PHONY: faults load
faults: install
	timeout 600 $(PY) tests/faults/run.py

LOAD_DURATION ?= 60
load: install
	LOAD_DURATION=$(LOAD_DURATION) timeout 400 $(PY) tests/load/run.py

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: install
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

clean:
	rm -rf $(VENV) media staticfiles db.sqlite3
