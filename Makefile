# Two commands for a newcomer: `make run` and `make test`. Both set everything up first.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-$(shell cat pyproject.toml | cksum | cut -d' ' -f1)

.PHONY: install run test lint typecheck unit system-deps bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	rm -f $(VENV)/.installed-*
	touch $(STAMP)

install: $(STAMP)

## make run: set up, migrate the SQLite database, import knowledge/, start the service
run: install
	$(BIN)/brug db upgrade
	$(BIN)/brug kb import
	$(BIN)/brug serve

## system packages the tests need (PostgreSQL server); installs with apt-get where root
system-deps:
	bash scripts/system-deps.sh

lint: install
	$(BIN)/ruff format --check bot handlers tests benchmarks
	$(BIN)/ruff check bot handlers tests benchmarks

typecheck: install
	$(BIN)/mypy

unit: install system-deps
	$(BIN)/pytest

## make test: set up, then ruff, mypy and the whole pytest suite (SQLite and a real PostgreSQL)
test: lint typecheck unit

bench: install
	$(BIN)/python benchmarks/engine.py

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
