# Two commands on a fresh machine with only python3 (3.11, 3.12 or 3.13): `make build` and
# `make test`. uv is bootstrapped into .tools/ through pip; the environment comes from the
# committed uv.lock, made with $(PYTHON) (`make build PYTHON=python3.13`; scripts/python-env
# finds a name on PATH or among pyenv's versions, and remakes .venv when the interpreter changes).

SHELL := /bin/bash
PYTHON ?= python3
UV_VERSION := 0.13.9
TOOLS := .tools
UV := $(TOOLS)/bin/uv
MATRIX := 3.11 3.12 3.13
RUN := $(UV) run --frozen --no-sync

export UV_PROJECT_ENVIRONMENT := $(CURDIR)/.venv
export DAGSTER_HOME := $(CURDIR)/.dagster_home
export PYTHONWARNINGS := ignore::DeprecationWarning
# Bytecode caches make imports several times faster (some machines set this variable).
unexport PYTHONDONTWRITEBYTECODE

.PHONY: setup build build-recorded test test-matrix snapshot new-source todo lint dev bench mutation mutation-code release docs exports site golden clean

$(UV):
	exe=$$(scripts/python-env find $(PYTHON)) && "$$exe" -m venv $(TOOLS) \
		|| { echo "no Python interpreter '$(PYTHON)' found" >&2; exit 1; }
	$(TOOLS)/bin/pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)

# Costs nothing while the interpreter and uv.lock are unchanged (a stamp in .venv).
setup: | $(UV)
	@UV=$(UV) scripts/python-env sync $(PYTHON) .venv

# FORCE=1 builds even when up to date; NO_WAIT=1 fails at once while another build runs.
build: setup
	$(RUN) python -m pipeline build $(if $(FORCE),--force) $(if $(NO_WAIT),--no-wait)

# The same build, with the run stored in .dagster_home for the Dagster UI (slower).
build-recorded: setup
	$(RUN) python -m pipeline build-recorded

snapshot: setup
	$(RUN) python -m pipeline snapshot

# A new source: FILE copied into raw/ with its manifest entry, and its declarations folder ID.
new-source: setup
	$(RUN) python -m pipeline new-source "$(FILE)" --id "$(ID)"

# Every number of document DOC (of every document without DOC) that nothing publishes or skips,
# with drafts of the declarations that would, in drafts/DOC/; fails while any is pending.
todo: setup
	$(RUN) python -m pipeline todo $(DOC)

lint: setup
	$(RUN) ruff check pipeline tests
	$(RUN) ruff format --check pipeline tests
	$(RUN) mypy
	$(RUN) check-jsonschema --builtin-schema vendor.github-workflows .github/workflows/*.yml
	$(RUN) check-jsonschema --builtin-schema vendor.citation-file-format CITATION.cff
	$(RUN) zizmor --offline --quiet .github/workflows

test: setup lint
	$(RUN) pytest -n auto --dist worksteal

# The suite on each of $(MATRIX) found on PATH or in pyenv, each in its own .venv-3.1x.
test-matrix: lint
	UV=$(UV) scripts/python-env matrix $(MATRIX)

dev: setup
	$(RUN) python -m pipeline dev

release: build
	$(RUN) python -m pipeline release

docs: setup
	$(RUN) python -m pipeline docs

# Parquet files and a DuckDB database of the published package, in exports/ (not committed).
exports: setup
	$(RUN) python -m pipeline.package.exports

# The dataset site of the published package, in site/: open site/index.html (no network).
site: setup
	$(RUN) python -m pipeline.site

# Rewrite tests/golden/ after an intended change: the fixture package (the example source's rows
# of a build with it), the pages of its site and the charts of tests/fixtures/charts/, which
# test_site_golden.py compares, and the drafts of the fixture notes (test_drafts_golden.py).
golden: setup
	UPDATE_GOLDEN=1 $(RUN) pytest -q tests/test_example_source.py tests/test_site_golden.py \
		tests/test_drafts_golden.py

mutation: setup
	$(RUN) python tests/mutation_run.py

# Mutation testing of the code (mutmut, in its own .venv-mutation; not part of `make test`):
# MODULES="pipeline/extract/locate.py pipeline/extract/hedges.py" limits it to those files (default: all of
# pipeline/). Results stay in mutants/ (resumable); the score per module is printed at the end,
# the equivalent mutants of tests/equivalent_mutants.yaml excluded. SAMPLE=300 runs 300 mutants
# drawn at random (SAMPLE_SEED, default 0) and gives the score with its 95% interval.
mutation-code: | $(UV)
	UV_PROJECT_ENVIRONMENT=$(CURDIR)/.venv-mutation $(UV) sync --frozen --quiet --group mutation
	SAMPLE=$(SAMPLE) SAMPLE_SEED=$(SAMPLE_SEED) .venv-mutation/bin/python tests/mutation_code.py $(MODULES)

bench: setup
	$(RUN) python tests/benchmark.py

clean:
	rm -rf .venv .venv-3.* $(TOOLS) .dagster_home .pytest_cache .ruff_cache
