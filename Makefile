# Gongzhi — the two commands from the README, and their parts.
PY      ?= python3
VENV    ?= .venv
BIN     := $(VENV)/bin
HOST    ?= 127.0.0.1
PORT    ?= 5000
export FLASK_APP := wsgi.py

.PHONY: run test install install-test lint i18n test-postgres test-browser bench clean

$(BIN)/python:
	$(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

install: $(BIN)/python
	$(BIN)/pip install -q -e .

install-test: $(BIN)/python
	$(BIN)/pip install -q -e '.[test]'

## make run: install, migrate, load two demo communities, serve on http://127.0.0.1:5000
run: install
	GONGZHI_DEBUG=1 $(BIN)/flask db upgrade
	GONGZHI_DEBUG=1 $(BIN)/flask demo
	@echo ""
	@echo "  Gongzhi is running at http://$(HOST):$(PORT)/   (Ctrl-C to stop)"
	@echo "  demo logins are listed above; every password is: gongzhi-demo"
	@echo ""
	GONGZHI_DEBUG=1 $(BIN)/flask run --host $(HOST) --port $(PORT)

## make test: install and run the whole suite (lint, unit and integration on SQLite, browser);
## PostgreSQL-only tests run in `make test-postgres` (CI runs both)
test: install-test lint
	$(BIN)/python -m pytest -q -m "not browser and not postgres" $(PYTEST_ARGS)
	$(MAKE) --no-print-directory test-browser

test-postgres: install-test
	TEST_DATABASE_URL=$${TEST_DATABASE_URL:-postgresql://postgres@127.0.0.1:5432/test} \
	  $(BIN)/python -m pytest -q -m "not browser" $(PYTEST_ARGS)

test-browser: install-test
	$(BIN)/python -m pytest -q -m browser $(PYTEST_ARGS)

lint: install-test
	$(BIN)/ruff check .

## i18n: extract messages, update catalogues, fill English, compile (see docs/i18n.md)
i18n: install-test
	$(BIN)/python -m core.services.i18n_tools update

bench: install-test
	$(BIN)/python -m bench.requests_ledger

clean:
	rm -rf $(VENV) instance .pytest_cache
