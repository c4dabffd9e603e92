# CounterFlow: `make run` and `make test` are the two set-up commands (see README.md).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PG_URL_FILE := var/test-postgres-url

.PHONY: run test test-sqlite test-postgres bench system-deps clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/counterflow run --demo --simulate-devices

# System packages the tests need (Debian): PostgreSQL on loopback, Chromium for the browser tests.
system-deps:
	bash scripts/ensure-system-deps.sh
	bash scripts/ensure-postgres.sh $(PG_URL_FILE)

test: $(STAMP) system-deps
	$(BIN)/python -m pytest -q tests
	COUNTERFLOW_TEST_DATABASE_URL="$$(cat $(PG_URL_FILE))" $(BIN)/python -m pytest -q tests/core

test-sqlite: $(STAMP)
	$(BIN)/python -m pytest -q tests

test-postgres: $(STAMP)
	bash scripts/ensure-postgres.sh $(PG_URL_FILE)
	COUNTERFLOW_TEST_DATABASE_URL="$$(cat $(PG_URL_FILE))" $(BIN)/python -m pytest -q tests/core

bench: $(STAMP)
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) var/*.db var/*.db-* .pytest_cache
