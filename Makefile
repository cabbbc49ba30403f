# Oversight. `make help` lists every target.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000

.DEFAULT_GOAL := help

.PHONY: help
help: ## List the targets
	@grep -hE '^[a-zA-Z_-]+:.*?## ' $(MAKEFILE_LIST) | sort | \
		awk 'BEGIN {FS = ":.*?## "}; {printf "  \033[36m%-16s\033[0m %s\n", $$1, $$2}'

$(VENV)/.installed: pyproject.toml
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[dev]"
	touch $@

# A developer's machine runs in debug (a development secret key), so plain
# `.venv/bin/python manage.py ...` works too; production sets DJANGO_DEBUG=false and
# DJANGO_SECRET_KEY in its real environment (.env.example), which wins over this file.
.env:
	printf '# Written by make install for a developer machine; see .env.example.\nDJANGO_DEBUG=true\n' > $@

.PHONY: install
install: $(VENV)/.installed .env ## Create the virtual environment and install dependencies, and a developer .env

# The DfE's CIN census validator pins pandas 1.x but not numpy (pandas 1.5 cannot import
# numpy 2) and downgrades setuptools, so it gets its own environment; the tests run it as
# a subprocess (docs/adr/0005-cin-census-import-and-dfe-validator.md).
VALIDATORS := .venv-validators
VALIDATOR_PACKAGES := "csc-validator-be-cin==0.1.13" "numpy>=1.23,<2" "xmlschema>=3,<5"

$(VALIDATORS)/.installed: Makefile
	test -d $(VALIDATORS) || $(PYTHON) -m venv $(VALIDATORS)
	$(VALIDATORS)/bin/python -m pip install --quiet $(VALIDATOR_PACKAGES)
	$(VALIDATORS)/bin/python -m pip install --quiet --no-deps "liiatools==0.2.0"
	touch $@

.PHONY: validators
validators: $(VALIDATORS)/.installed ## Install the DfE return validators in their own environment

node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error

static/build/app.css: node_modules/.package-lock.json static/src/app.scss static/src/copy-assets.mjs $(wildcard static/src/*.js)
	npm run --silent build

.PHONY: assets
assets: static/build/app.css ## Build GOV.UK Frontend styles and scripts into static/build

.PHONY: migrate
migrate: install ## Apply database migrations
	$(PY) manage.py migrate --no-input -v0

.PHONY: demo
demo: migrate ## Replace the database's contents with the synthetic demo unit
	$(PY) manage.py seed_demo

.PHONY: run
run: install assets migrate ## Run Oversight on http://127.0.0.1:8000 with demo data
	$(PY) manage.py seed_demo --if-empty
	DJANGO_DEBUG=true $(PY) manage.py runserver $(HOST):$(PORT)

.PHONY: test
test: install assets validators ## Run the whole test suite (DATABASE_URL picks the database)
	$(PY) -m pytest

.PHONY: test-fast
test-fast: install ## The suite without the browser and the slow tests, reusing the test database
	$(PY) -m pytest -q -m "not browser and not slow" --reuse-db

.PHONY: lint
lint: install ## Check code style (ruff)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

.PHONY: format
format: install ## Format the code (ruff)
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

.PHONY: check
check: lint ## Lint, the layers' import contracts, types, templates, system checks and migrations
	$(VENV)/bin/lint-imports
	$(PY) scripts/mypy_budget.py
	$(VENV)/bin/djlint --lint templates */templates
	$(PY) manage.py check
	$(PY) manage.py makemigrations --check --dry-run

.PHONY: alerts
alerts: install ## Print tonight's deadline alerts without sending them
	$(PY) manage.py send_deadline_alerts --dry-run

.PHONY: worker
worker: install ## Run a Celery worker (needs CELERY_BROKER_URL)
	$(VENV)/bin/celery -A config worker --loglevel=info --queues=celery,imports

.PHONY: beat
beat: install ## Run Celery beat, which starts the nightly alerts (needs CELERY_BROKER_URL)
	$(VENV)/bin/celery -A config beat --loglevel=info

.PHONY: deadlines
deadlines: install ## Print every open statutory deadline
	$(PY) manage.py deadlines

.PHONY: clean
clean: ## Remove the virtual environments, built assets and the SQLite database
	rm -rf $(VENV) $(VALIDATORS) node_modules static/build staticfiles db.sqlite3

BENCH_CHILDREN ?= 10000
# The sample council's returns are loaded into an empty database of their own, emptied
# first: PostgreSQL for figures worth quoting, e.g.
# BENCH_IMPORT_DB=postgres://postgres@127.0.0.1/bench_import.
BENCH_IMPORT_DB ?= sqlite:///$(CURDIR)/var/bench-import.sqlite3

.PHONY: bench-import
bench-import: migrate ## Time a generated SSDA903 return of 10,000 children (rolled back), then council-b's returns and SSD extract on an empty database
	$(PY) manage.py bench_import --children $(BENCH_CHILDREN) $(BENCH_FIGURES_ARG)
	$(PY) scripts/bench_import_samples.py --database $(BENCH_IMPORT_DB) $(BENCH_FIGURES_ARG)

.PHONY: bench-alerts
bench-alerts: migrate ## Time tonight's alerts for a unit of 5,000 children (rolled back)
	$(PY) manage.py bench_alerts --children 5000

.PHONY: screenshots
screenshots: install assets ## Retake the README's screenshots from a fresh demo database
	rm -f var/screenshots.sqlite3 && mkdir -p var
	DATABASE_URL=sqlite:///$(CURDIR)/var/screenshots.sqlite3 $(PY) manage.py migrate -v0
	DATABASE_URL=sqlite:///$(CURDIR)/var/screenshots.sqlite3 $(PY) manage.py seed_demo > /dev/null
	DATABASE_URL=sqlite:///$(CURDIR)/var/screenshots.sqlite3 $(PY) manage.py take_screenshots

BENCH_REPORT_DB ?= sqlite:///$(CURDIR)/var/bench-report.sqlite3
# The page benchmark keeps its council: give it an empty database of its own (PostgreSQL
# for figures worth quoting), e.g. BENCH_PAGES_DB=postgres://postgres@127.0.0.1/bench.
BENCH_PAGES_DB ?= sqlite:///$(CURDIR)/var/bench-pages.sqlite3
BENCH_SIZES ?= 20000,200000
# The annual report's council has ten years of history; make bench builds it at 200,000.
BENCH_REPORT_CHILDREN ?= 20000
# make bench: each benchmark appends its headline figures here; printed as one table last.
BENCH_FIGURES ?= var/bench-figures.jsonl
BENCH_FIGURES_ARG ?=
BENCH_ALERTS_CHILDREN ?= 100000
# The nightly alerts' unit is kept too (built once, committed, as a council's records are):
# a database of its own, e.g. BENCH_ALERTS_DB=postgres://postgres@127.0.0.1/bench_alerts
# (a superuser, so the alerts can be timed with the statistics cleared as well).
BENCH_ALERTS_DB ?= sqlite:///$(CURDIR)/var/bench-alerts.sqlite3

.PHONY: bench-pages
bench-pages: install ## Time each person's pages at 20,000 and 200,000 children against a bare page
	mkdir -p var && rm -f var/bench-pages.sqlite3
	DATABASE_URL=$(BENCH_PAGES_DB) $(PY) manage.py migrate --no-input -v0
	DATABASE_URL=$(BENCH_PAGES_DB) $(PY) manage.py bench_pages --sizes $(BENCH_SIZES) \
		$(BENCH_FIGURES_ARG)

.PHONY: bench
bench: install ## Every benchmark, then their figures as one table: pages, report, alerts, import (long)
	mkdir -p var && rm -f $(BENCH_FIGURES)
	$(MAKE) --no-print-directory bench-pages BENCH_FIGURES_ARG="--figures $(BENCH_FIGURES)"
	$(MAKE) --no-print-directory bench-report BENCH_REPORT_CHILDREN=200000 \
		BENCH_FIGURES_ARG="--figures $(BENCH_FIGURES)"
	DATABASE_URL=$(BENCH_ALERTS_DB) $(PY) manage.py migrate --no-input -v0
	DATABASE_URL=$(BENCH_ALERTS_DB) $(PY) manage.py bench_alerts --keep --recompute \
		--children $(BENCH_ALERTS_CHILDREN) --figures $(BENCH_FIGURES)
	$(MAKE) --no-print-directory bench-import BENCH_FIGURES_ARG="--figures $(BENCH_FIGURES)"
	@echo
	@$(PY) manage.py bench_summary $(BENCH_FIGURES)

# `make load`: the demo unit under gunicorn (debug off) with LOAD_USERS people at once for
# LOAD_SECONDS, from locust on loopback; prints requests/s, p50/p95 and errors per page.
LOAD_DB ?= sqlite:///$(CURDIR)/var/load.sqlite3
LOAD_USERS ?= 50
LOAD_SECONDS ?= 60
# How many arrive (and sign in) a second before the LOAD_SECONDS start (scripts/load/run.py).
LOAD_SPAWN_RATE ?= 2

.PHONY: load
load: install ## Fifty people on the demo unit at once: requests/s, p50/p95 and errors
	$(PY) -m pip install --quiet -e ".[load]"
	mkdir -p var && rm -f var/load.sqlite3
	DATABASE_URL=$(LOAD_DB) $(PY) manage.py migrate --no-input -v0
	DJANGO_DEBUG=true DATABASE_URL=$(LOAD_DB) $(PY) manage.py seed_demo
	DATABASE_URL=$(LOAD_DB) LOAD_USERS=$(LOAD_USERS) LOAD_SECONDS=$(LOAD_SECONDS) \
		LOAD_SPAWN_RATE=$(LOAD_SPAWN_RATE) $(PY) scripts/load/run.py

.PHONY: bench-report
bench-report: install ## Time the annual report and the dashboard on an invented council of 20,000 children, ten years
	mkdir -p var && rm -f var/bench-report.sqlite3
	DATABASE_URL=$(BENCH_REPORT_DB) $(PY) manage.py migrate --no-input -v0
	DATABASE_URL=$(BENCH_REPORT_DB) $(PY) manage.py bench_report \
		--children $(BENCH_REPORT_CHILDREN) $(BENCH_FIGURES_ARG)
