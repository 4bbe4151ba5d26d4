# The two commands the README promises: `make run` and `make test`. CI runs `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
export BOTSIEVE_DATA_DIR ?= $(CURDIR)/data

.PHONY: run test bench lint format install install-dev system-deps js dashboard clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml sdk/python/pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e ".[dev]" -e sdk/python
	touch $(VENV)/.installed $@

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

PORT ?= 8000

## Serve the product on embedded SQLite at http://127.0.0.1:$(PORT); restarts skip unchanged builds
run: install
	@scripts/build-frontends.sh
	@# serve migrates the database itself; the access notes follow once it answers.
	@(for _ in $$(seq 600); do curl -sf http://127.0.0.1:$(PORT)/health >/dev/null && \
	  PORT=$(PORT) scripts/print-dev-access.sh && break; sleep 0.2; done) &
	$(BIN)/botsieve serve --host 127.0.0.1 --port $(PORT)

## Install what tests need, start throwaway PostgreSQL and Redis, run every suite, stop them
test: install-dev
	scripts/test.sh

## Measure throughput, latency, storage and engine time (see bench/README.md)
bench: install-dev
	scripts/bench.sh

lint: install-dev
	$(BIN)/ruff check src tests bench sdk/python
	$(BIN)/ruff format --check src tests bench sdk/python
	$(BIN)/mypy
	$(BIN)/mypy sdk/python/src

format: install-dev
	$(BIN)/ruff format src tests bench sdk/python
	$(BIN)/ruff check --fix src tests bench sdk/python

system-deps:
	scripts/system-deps.sh

clean:
	rm -rf $(VENV) data .tmp
