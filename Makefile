# supportdesk: `make run` serves the demo helpdesk, `make test` runs the whole suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PG_TEST_URL ?= postgresql+psycopg://postgres@127.0.0.1:5432/supportdesk_test
PORT ?= 8080

.PHONY: run install install-dev test test-sqlite test-postgres lint typecheck migrate clean bench soak request-cost

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: requirements.txt pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	$(BIN)/pip install --quiet --no-deps -e .
	touch $@

$(VENV)/.installed-dev: requirements-dev.txt $(VENV)/.installed
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

## Fresh machine to a running demo helpdesk on http://demo.localhost:$(PORT)
run: install
	$(BIN)/supportdesk migrate
	$(BIN)/supportdesk demo-ensure --port $(PORT)
	$(BIN)/supportdesk serve --port $(PORT)

migrate: install
	$(BIN)/supportdesk migrate

## The whole suite: lint, types, then the tests on SQLite and on PostgreSQL, the two
## databases side by side (each suite is one process; their outputs are kept apart).
test: install-dev lint typecheck
	$(MAKE) --no-print-directory -j2 --output-sync=target test-sqlite test-postgres

lint: install-dev
	$(BIN)/ruff check src tests

typecheck: install-dev
	$(BIN)/mypy src

test-sqlite: install-dev
	$(BIN)/python -m pytest -q -p no:cacheprovider --durations=15

test-postgres: install-dev
	SUPPORTDESK_TEST_DATABASE_URL=$(PG_TEST_URL) $(BIN)/python -m pytest -q -p no:cacheprovider --durations=15

## Issue #5's benchmark (docs/benchmarks.md): 1,000,000 tickets on SQLite and PostgreSQL
## (install-dev: the harness uses httpx2).
BENCH_ARGS ?=
bench: install-dev
	command -v wrk >/dev/null || (apt-get update && apt-get install -y wrk)
	$(BIN)/python benchmarks/run.py --out docs/benchmarks.md $(BENCH_ARGS)

## CPU instructions per API call, under valgrind (docs/benchmarks.md, Request path):
## exact whatever else the machine runs, so two versions of the code compare.
REQUEST_COST_ARGS ?=
request-cost: install-dev
	command -v valgrind >/dev/null || (apt-get update && apt-get install -y valgrind)
	$(BIN)/python benchmarks/request_cost.py $(REQUEST_COST_ARGS)

## Issue #6's soak (docs/benchmarks.md): 10 minutes of mixed load; no 5xx, memory flat.
SOAK_ARGS ?=
soak: install-dev
	$(BIN)/python benchmarks/soak.py $(SOAK_ARGS)

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache
