# The README's commands. Every target is idempotent: run it again and it does only what is missing.
PYTHON ?= python3
# These are local commands: debugging on unless the environment says otherwise (production sets
# DEBUG=false, and then settings refuse to start without the production values).
export DEBUG ?= true
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
STAMP := $(VENV)/.installed

.PHONY: setup run test test-fast bench lint format check lock clean

setup: $(STAMP) frontend/build/.built .env
	$(PY) manage.py migrate --noinput -v 0
	$(PY) manage.py createcachetable

# A development checkout's own settings, read by manage.py (the environment wins over it).
.env:
	printf '# Local development settings, read by manage.py (not by a server: see deploy/).\nDEBUG=true\n' > .env

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)

# Exact pins with hashes over the ranges in pyproject.toml: requirements-dev.txt (runtime, tests
# and lint) here; a server installs requirements.txt (runtime only, see deploy/).
$(STAMP): $(VENV)/bin/python requirements-dev.txt pyproject.toml
	$(PIP) install --quiet --disable-pip-version-check --upgrade pip
	$(PIP) install --quiet --disable-pip-version-check --require-hashes -r requirements-dev.txt
	touch $(STAMP)

node_modules/.package-lock.json: package.json package-lock.json
	npm ci --ignore-scripts --no-audit --no-fund

frontend/build/.built: node_modules/.package-lock.json frontend/build.sh $(wildcard frontend/scss/*.scss)
	bash frontend/build.sh
	touch frontend/build/.built

run: setup
	$(PY) manage.py seed_demo
	@echo "Starting the background worker and the web server on http://127.0.0.1:8000 (Ctrl+C stops both)."
	@trap 'kill 0' INT TERM EXIT; \
	  $(PY) manage.py db_worker & \
	  $(PY) manage.py runserver 127.0.0.1:8000

test: setup
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/ruff check .
	$(PY) manage.py check
	$(PY) manage.py makemigrations --check --dry-run
	$(VENV)/bin/pytest

test-fast: setup
	$(VENV)/bin/pytest -m "not browser"

bench: setup
	$(PY) benchmarks/calendar_feed.py
	$(PY) benchmarks/query_counts.py
	$(PY) benchmarks/import_people.py
	$(PY) benchmarks/invite_group.py
	$(PY) benchmarks/import_responses.py
	$(PY) benchmarks/report_pdf.py
	$(PY) benchmarks/evaluation.py
	$(PY) benchmarks/email_fanout.py
	$(PY) benchmarks/evaluation_outputs.py
	@echo "benchmarks/accept_burst.py needs PostgreSQL: DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres $(PY) benchmarks/accept_burst.py"
	@echo "benchmarks/survey_submit.py takes some minutes: $(PY) benchmarks/survey_submit.py (SQLite), and with DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_survey for PostgreSQL"

lint:
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/ruff check .

format:
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

# Re-pin after changing pyproject.toml (pip-tools): keeps existing pins that still satisfy the
# ranges; `make lock UPGRADE=--upgrade` moves everything to the newest allowed versions.
PIP_COMPILE := $(VENV)/bin/pip-compile --quiet --generate-hashes --strip-extras --allow-unsafe --no-emit-index-url --no-emit-find-links $(UPGRADE)
lock: $(STAMP)
	$(PIP_COMPILE) -o requirements.txt pyproject.toml
	$(PIP_COMPILE) --extra dev -o requirements-dev.txt pyproject.toml

clean:
	rm -rf $(VENV) node_modules frontend/build staticfiles
