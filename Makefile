# CounterFlow: `make run` and `make test` are the two set-up commands (see README.md).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PG_URL_FILE := var/test-postgres-url
# The official socket.io JavaScript client, for the test that runs a display under node (git-ignored).
NODE_CLIENT := var/node/node_modules/socket.io-client/package.json

.PHONY: run test test-sqlite test-postgres bench system-deps node-client translations clean

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

$(NODE_CLIENT):
	npm install --silent --no-audit --no-fund --prefix var/node socket.io-client@4

node-client: $(NODE_CLIENT)

test: $(STAMP) system-deps $(NODE_CLIENT)
	$(BIN)/python -m pytest -q tests
	COUNTERFLOW_TEST_DATABASE_URL="$$(cat $(PG_URL_FILE))" $(BIN)/python -m pytest -q tests/core

test-sqlite: $(STAMP) $(NODE_CLIENT)
	$(BIN)/python -m pytest -q tests

test-postgres: $(STAMP)
	bash scripts/ensure-postgres.sh $(PG_URL_FILE)
	COUNTERFLOW_TEST_DATABASE_URL="$$(cat $(PG_URL_FILE))" $(BIN)/python -m pytest -q tests/core

bench: $(STAMP)
	$(BIN)/python -m bench

# UI strings (docs/ui.md): extract the msgids from the surfaces, merge them into each language's .po,
# compile the .mo files. Edit the .po files in between; the hub also compiles a stale .mo at start.
TRANSLATIONS := server/translations
translations: $(STAMP)
	$(BIN)/pybabel extract -F $(TRANSLATIONS)/babel.cfg -k _l -k lazy_gettext --no-location --sort-output \
		--project=CounterFlow -o $(TRANSLATIONS)/messages.pot \
		server kiosk display ticket_page counter_terminal supervisor admin appointment_page branch_page
	$(BIN)/pybabel update -i $(TRANSLATIONS)/messages.pot -d $(TRANSLATIONS) --no-fuzzy-matching -w 120
	$(BIN)/pybabel compile -d $(TRANSLATIONS) --statistics

clean:
	rm -rf $(VENV) var/*.db var/*.db-* .pytest_cache
