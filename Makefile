# PerfectCatch Automation. `make run` starts everything against the sandbox; `make test` tests.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
ADDR ?= 127.0.0.1:8000
TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/perfectcatch
PYTEST_ARGS ?=
# Test processes (pytest-xdist): the suite is mostly waiting on PostgreSQL and subprocesses.
TEST_WORKERS ?= 2

.PHONY: run test lint install migrate schedules ensure-postgres clean

$(VENV)/.installed: pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[dev]"
	touch $@

install: $(VENV)/.installed

migrate: install
	$(PY) manage.py migrate --no-input

schedules: migrate
	$(PY) manage.py install_schedules

run: schedules
	$(PY) manage.py runstack --addr $(ADDR)

ensure-postgres:
	@scripts/ensure-postgres

test: install ensure-postgres
	DATABASE_URL=$${DATABASE_URL:-$(TEST_DATABASE_URL)} $(PY) -m pytest -n $(TEST_WORKERS) $(PYTEST_ARGS)

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/lint-imports --no-logo

clean:
	rm -rf $(VENV) var .pytest_cache .ruff_cache
