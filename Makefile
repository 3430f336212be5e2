# Megafonen: the README's commands. `make demo` and `make test` are all a newcomer needs.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
MANAGE := $(BIN)/python manage.py
POSTGRESQL_URL ?= postgres://postgres@127.0.0.1:5432/test

.PHONY: install demo serve worker test lint types test-suite test-postgresql messages bench clean

$(VENV)/installed: pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Megafonen needs Python 3.11 or newer")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

install: $(VENV)/installed
	$(MANAGE) compiletranslations

## Set up everything, load the demo and serve it on http://127.0.0.1:8000 (Ctrl+C stops it).
demo: export DEBUG = 1
demo: install
	mkdir -p var
	$(MANAGE) migrate --no-input --verbosity 0
	$(MANAGE) load_demo
	$(MANAGE) load_outreach_demo
	$(MANAGE) load_needs_demo
	@echo "Megafonen runs on http://127.0.0.1:8000/ (stop with Ctrl+C)"
	$(MANAGE) db_worker --verbosity 0 & worker=$$!; \
	trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	$(MANAGE) runserver 127.0.0.1:8000

## The whole test suite: lint, types, unit, integration and browser tests.
test: install lint types
	scripts/ensure-test-tools
	$(MAKE) test-suite

lint:
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

types:
	$(BIN)/mypy megafonen config conftest.py tests

test-suite:
	$(BIN)/pytest -q

test-postgresql:
	DATABASE_URL=$(POSTGRESQL_URL) $(MAKE) test-suite

## Benchmarks (docs/benchmarks.md); needs wrk (apt-get install wrk).
bench: install
	@for script in bench/bench_*.py; do echo "== $$script"; $(BIN)/python $$script || exit 1; done

## Regenerate every catalogue after changing user-facing text.
messages: install
	$(MANAGE) updatecatalogues
	$(MANAGE) compiletranslations

clean:
	rm -rf $(VENV) var node_modules
