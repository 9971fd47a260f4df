# The project's vocabulary. `make run` and `make test` do all set-up themselves.
SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV := .venv
PY := $(VENV)/bin/python
INSTALLED := $(VENV)/.installed
STATIC_BUILT := static/vendor/.built
HOST ?= 127.0.0.1
PORT ?= 8000
# Local runs use development settings; production sets DEBUG=false and SECRET_KEY.
# They also serve the public transparency pages under /published/ (off by default elsewhere).
RUN_ENV := DEBUG=$${DEBUG:-true} PUBLIC_REGISTER=$${PUBLIC_REGISTER:-true} \
	PUBLIC_REGISTER_URL=$${PUBLIC_REGISTER_URL:-http://$(HOST):$(PORT)/published/}

.PHONY: help install system static run serve worker test lint format bench load register migrate clean

help:
	@echo "make run    - set up, load the register and serve on http://$(HOST):$(PORT)"
	@echo "make test   - set up and run the whole test suite (DATABASE_URL for PostgreSQL)"
	@echo "make bench  - benchmarks (writes bench/results.md)"
	@echo "make load   - bounded Locust load test with faults, on loopback"
	@echo "make lint   - ruff check, ruff format --check, makemigrations --check"

$(INSTALLED): pyproject.toml
	@PYTHON=$$(scripts/find-python) || exit 1; \
	if [ ! -x $(PY) ] || ! $(PY) -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null; then \
		rm -rf $(VENV); echo "Creating $(VENV) with $$PYTHON"; $$PYTHON -m venv $(VENV) || exit 1; \
	fi
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet '.[dev]'
	@touch $@

install: $(INSTALLED)

# Debian packages: WeasyPrint's libraries, poppler for PDF tests, Chromium for browser tests.
system:
	@scripts/install-system-packages

$(STATIC_BUILT): package.json package-lock.json scripts/build-static static/scss/app.scss
	scripts/build-static
	@touch $@

# Collected with production storage (hashed names), as tests and gunicorn serve them.
static: install $(STATIC_BUILT)
	@SECRET_KEY=collectstatic-only DEBUG=false ALLOWED_HOSTS=localhost \
		ADMINS=nobody@localhost EMAIL_HOST=localhost SERVER_EMAIL=nobody@localhost \
		$(PY) manage.py collectstatic --noinput --verbosity 0

migrate: install
	$(RUN_ENV) $(PY) manage.py migrate --noinput

register: migrate
	$(RUN_ENV) $(PY) manage.py load_register

run: install static system register
	@$(RUN_ENV) $(PY) manage.py ensure_login
	@echo "Serving on http://$(HOST):$(PORT)/ (Ctrl-C stops the server and the worker)"
	@echo "Emails (decision alerts: manage.py send_alerts) go to the console backend: printed in this terminal, never sent."
	@$(RUN_ENV) HOST=$(HOST) $(VENV)/bin/honcho start -f Procfile -p $(PORT) || [ $$? -eq 130 ]

test: install static system
	$(PY) -m pytest -n 2 --dist loadfile $(PYTEST_ARGS)

# Benchmarks on a database of their own (bench/bench.sqlite3, or a commissioning_bench
# database on the DATABASE_URL server); prints the table and writes bench/results.md.
bench: install static system
	$(PY) -m bench.run $(BENCH_ARGS)

# Bounded load test (loadtest/run.py): Locust on loopback for LOAD_SECONDS (default 45, at
# most 90) against gunicorn, the task worker and a private PostgreSQL cluster of its own
# (port LOAD_PG_PORT, 5440; the shared server is never touched), with three faults injected.
LOAD_INSTALLED := $(VENV)/.load-installed
$(LOAD_INSTALLED): pyproject.toml $(INSTALLED)
	$(PY) -m pip install --quiet '.[dev,load]'
	@touch $@

load: install static system $(LOAD_INSTALLED)
	$(PY) loadtest/run.py

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(RUN_ENV) $(PY) manage.py makemigrations --check --dry-run

format: install
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

clean:
	rm -rf $(VENV) node_modules static/vendor staticfiles
