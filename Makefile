# Territoria: `make run` sets everything up and serves the demo; `make test` runs every test.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
PG_URL ?= postgresql://127.0.0.1/test

.PHONY: run setup test test-sqlite test-postgres messages bench clean

$(BIN)/territoria: requirements.txt pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -r requirements.txt
	$(BIN)/pip install -q --no-deps -e .
	touch $@

$(VENV)/.dev: $(BIN)/territoria requirements-dev.txt
	$(BIN)/pip install -q -r requirements-dev.txt
	touch $@

setup: $(BIN)/territoria
	$(BIN)/territoria migrate --no-input -v 0

run: setup
	$(BIN)/territoria loaddemo
	$(BIN)/territoria serve --port $(PORT)

test: $(VENV)/.dev
	$(BIN)/pytest
	TERRITORIA_DATABASE_URL=$(PG_URL) $(BIN)/pytest -m "not browser"

messages: $(VENV)/.dev
	cd territoria && ../$(BIN)/django-admin makemessages -l fr -l es --no-obsolete && ../$(BIN)/django-admin compilemessages

bench: $(VENV)/.dev
	$(BIN)/python benchmarks/ingest_search.py

clean:
	rm -rf $(VENV) var
