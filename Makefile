# Two commands on a fresh machine with only python3: `make build` and `make test`.
# uv is bootstrapped into .tools/ through pip; the environment comes from the committed uv.lock.

SHELL := /bin/bash
PYTHON ?= python3
UV_VERSION := 0.13.9
TOOLS := .tools
UV := $(TOOLS)/bin/uv
STAMP := .venv/.synced-from-lock
RUN := $(UV) run --frozen --no-sync

export UV_PROJECT_ENVIRONMENT := $(CURDIR)/.venv
export DAGSTER_HOME := $(CURDIR)/.dagster_home
export PYTHONWARNINGS := ignore::DeprecationWarning
# Bytecode caches make imports several times faster (some machines set this variable).
unexport PYTHONDONTWRITEBYTECODE

.PHONY: setup build build-recorded test snapshot lint dev bench mutation release docs clean

$(UV):
	$(PYTHON) -m venv $(TOOLS)
	$(TOOLS)/bin/pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)

$(STAMP): uv.lock pyproject.toml | $(UV)
	$(UV) sync --frozen --quiet --compile-bytecode
	touch $(STAMP)

setup: $(STAMP)

build: setup
	$(RUN) python -m pipeline build $(if $(FORCE),--force)

# The same build, with the run stored in .dagster_home for the Dagster UI (slower).
build-recorded: setup
	$(RUN) python -m pipeline build-recorded

snapshot: setup
	$(RUN) python -m pipeline snapshot

lint: setup
	$(RUN) ruff check pipeline tests
	$(RUN) ruff format --check pipeline tests

test: setup lint
	$(RUN) pytest

dev: setup
	$(RUN) python -m pipeline dev

release: build
	$(RUN) python -m pipeline release

docs: setup
	$(RUN) python -m pipeline docs

mutation: setup
	$(RUN) python tests/mutation_run.py

bench: setup
	$(RUN) python tests/benchmark.py

clean:
	rm -rf .venv $(TOOLS) .dagster_home .pytest_cache .ruff_cache
