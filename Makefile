# Two commands for a newcomer: `make run` and `make test`. Both set everything up first.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-$(shell cat pyproject.toml | cksum | cut -d' ' -f1)

.PHONY: install install-translate run test lint typecheck unit system-deps bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	rm -f $(VENV)/.installed-*
	touch $(STAMP)

install: $(STAMP)

# the optional translation extra: argostranslate pulls stanza and torch; install the CPU build
# of torch first (with no torch present pip would pick a multi-GB CUDA build)
TSTAMP := $(VENV)/.translate-$(shell cat pyproject.toml | cksum | cut -d' ' -f1)
$(TSTAMP): $(STAMP)
	$(BIN)/pip install --quiet torch==2.13.0
	$(BIN)/pip install --quiet -e '.[dev,translate]'
	rm -f $(VENV)/.translate-*
	touch $(TSTAMP)

install-translate: $(TSTAMP)

## make run: set up, migrate the SQLite database, import knowledge/ (first run only: later
## edits made in /admin are kept), start the service
run: install
	$(BIN)/brug db upgrade
	$(BIN)/brug kb import --if-empty
	$(BIN)/brug serve

## system packages the tests need (PostgreSQL server); installs with apt-get where root
system-deps:
	bash scripts/system-deps.sh

lint: install
	$(BIN)/ruff format --check bot handlers tests benchmarks
	$(BIN)/ruff check bot handlers tests benchmarks

typecheck: install
	$(BIN)/mypy

unit: install-translate system-deps
	$(BIN)/pytest

## make test: set up, then ruff, mypy and the whole pytest suite (SQLite and a real PostgreSQL)
test: lint typecheck unit

## make bench: every benchmark, one after the other (see docs/benchmarks.md; ~13 minutes)
bench: install system-deps
	$(BIN)/python -m benchmarks.engine
	$(BIN)/python -m benchmarks.webhooks --db sqlite,postgres --web 1,2,4
	$(BIN)/python -m benchmarks.webhooks --db sqlite,postgres --web 2 --rate 500 --seconds 20
	$(BIN)/python -m benchmarks.outbox --db sqlite,postgres --processes 1,2
	$(BIN)/python -m benchmarks.memory
	$(BIN)/python -m benchmarks.spool

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
