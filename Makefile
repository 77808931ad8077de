# Gongzhi — the two commands from the README, and their parts.
PY      ?= python3
VENV    ?= .venv
BIN     := $(VENV)/bin
HOST    ?= 127.0.0.1
PORT    ?= 5000
export FLASK_APP := wsgi.py
# Every install takes its versions from the lock, constraints.txt (`make lock` refreshes it),
# exported so that every pip call in a recipe or a test sees it. PIP_BUILD_CONSTRAINT pins the
# isolated build environments too (the setuptools that builds gongzhi or a plugin): pip >= 26.2
# no longer applies PIP_CONSTRAINT there. Absolute paths: recipes and tests change directory.
LOCK := $(CURDIR)/constraints.txt
export PIP_CONSTRAINT := $(LOCK)
export PIP_BUILD_CONSTRAINT := $(LOCK)

.PHONY: run test install install-test lint i18n test-postgres test-browser bench soak clean lock

$(BIN)/python:
	$(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip setuptools wheel

# Stamps: pip runs again only when the project or the lock changed (and never while another
# make target is using the venv, as CI's two suites do side by side).
$(VENV)/.installed: pyproject.toml $(LOCK) | $(BIN)/python
	$(BIN)/pip install -q -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml $(LOCK) | $(BIN)/python
	$(BIN)/pip install -q -e '.[test]'
	touch $@ $(VENV)/.installed

install: $(VENV)/.installed

install-test: $(VENV)/.installed-test

## make lock: re-pin constraints.txt to the newest versions pyproject.toml allows, resolved
## in a throwaway venv without the old pins; then `make test` and commit both
lock:
	@set -e; unset PIP_CONSTRAINT PIP_BUILD_CONSTRAINT; \
	tmp=$$(mktemp -d); trap 'rm -rf "$$tmp"' EXIT; \
	$(PY) -m venv "$$tmp/venv"; \
	"$$tmp/venv/bin/pip" install -q --upgrade pip setuptools wheel; \
	"$$tmp/venv/bin/pip" install -q -e '.[test]'; \
	{ echo "# The lock: the exact versions of everything .venv gets (the app, its test extras, pip,"; \
	  echo "# setuptools, wheel). The Makefile and examples/run-vendor-ci install with it, as"; \
	  echo "# PIP_CONSTRAINT and PIP_BUILD_CONSTRAINT (docs/operations.md, \"Installing: the lock\")."; \
	  echo "# Refresh: make lock (a fresh venv, newest releases pyproject.toml allows), make test, commit."; \
	  echo "# Resolved with $$($$tmp/venv/bin/python --version) on $$(uname -sm)."; \
	  "$$tmp/venv/bin/pip" freeze --all --exclude-editable; } > $(LOCK).new; \
	mv $(LOCK).new $(LOCK); \
	echo "constraints.txt: $$(grep -c '==' $(LOCK)) pins; see: git diff constraints.txt"

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

## The slow tests (their own servers, load balancer, fresh virtual environments) pick their
## databases themselves: they run once, in `make test`.
test-postgres: install-test
	TEST_DATABASE_URL=$${TEST_DATABASE_URL:-postgresql://postgres@127.0.0.1:5432/test} \
	  $(BIN)/python -m pytest -q -m "not browser and not slow" $(PYTEST_ARGS)

test-browser: install-test
	$(BIN)/python -m pytest -q -m browser $(PYTEST_ARGS)

lint: install-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

## i18n: extract messages, update catalogues, fill English, compile (docs/plugins.md, "Translations")
i18n: install-test
	$(BIN)/python -m core.services.i18n_tools update

## make bench: the app under gunicorn beside two Flask baselines, demo-sized and full data
## (bench/run.py; SQLite unless DATABASE_URL is set; BENCH_ARGS="--scales small --duration 5")
bench: install-test
	$(BIN)/python -m bench.run $(BENCH_ARGS)

## soak: 10 minutes of mixed load from 50 people on gunicorn, with a worker killed, PostgreSQL
## restarted and Redis stopped on the way (own throwaway servers); results in docs/benchmarks.md
soak: install-test
	$(BIN)/python -m bench.soak --minutes $${MINUTES:-10} --users $${USERS:-50}

clean:
	rm -rf $(VENV) instance .pytest_cache
