# Everything from nothing: `make run` and `make check` create the venv, install torch (CPU)
# first, then the package, pull the models, and go. Later calls reuse what is there.
SHELL := /bin/bash
PY_SYS ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
PIP := $(PY) -m pip
QA := $(VENV)/bin/qa-pipeline
STAMP := $(VENV)/.stamp-install
MODELS_STAMP := $(VENV)/.stamp-models
TEST_MODELS_STAMP := $(VENV)/.stamp-test-models
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1
export TOKENIZERS_PARALLELISM := false

.PHONY: setup models test-models browser run check gate lint typecheck test test-fast bench update-gold clean

setup: $(STAMP)

$(STAMP): pyproject.toml
	test -x $(PY) || $(PY_SYS) -m venv $(VENV)
	$(PIP) install -q --disable-pip-version-check --upgrade pip
	# torch first, from the CPU wheel: a bare requirement would pull a multi-GB CUDA build.
	$(PIP) install -q --disable-pip-version-check torch==2.13.0
	$(PIP) install -q --disable-pip-version-check -e '.[dev]'
	touch $@

# `make run` needs only the default model; the test suite's models are pulled by `make check`.
models: $(MODELS_STAMP)

$(MODELS_STAMP): $(STAMP) qa_pipeline/models.py qa_pipeline/convert_e5.py
	$(QA) models pull $$($(PY) -c 'from qa_pipeline.config import DEFAULT_MODEL; print(DEFAULT_MODEL)') --quiet
	touch $@

# The models the slow tests load (only the default model today); add names here if a test
# needs another.
TEST_MODELS := multilingual-e5-small

test-models: $(TEST_MODELS_STAMP)

$(TEST_MODELS_STAMP): $(MODELS_STAMP)
	$(QA) models pull $(TEST_MODELS) --quiet
	touch $@

# Debian's Chromium for the real-browser tests (Playwright drives it; no browser download).
browser:
	@if [ ! -x /usr/bin/chromium ]; then \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && $$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	fi

run: models
	$(QA) batch corpora --out reports --fail-on none

lint: setup
	$(VENV)/bin/ruff check qa_pipeline tests bench

typecheck: setup
	$(VENV)/bin/mypy

test: test-models browser
	$(VENV)/bin/pytest -q

test-fast: setup
	$(VENV)/bin/pytest -q -m "not slow and not browser"

# The CI gate: the corpus with the repo's config (corpora/qa.toml); fails on any new finding
# at or above its fail_on that corpora/qa-baseline.json does not accept.
gate: models
	$(QA) batch corpora --out reports --quiet

check: setup models browser lint typecheck test gate

bench: models
	$(PY) bench/run_all.py

update-gold: setup
	UPDATE_GOLD=1 $(VENV)/bin/pytest -q tests -k golden

clean:
	rm -rf $(VENV) build *.egg-info reports/*/ reports/index.html reports/summary.json reports/junit.xml
