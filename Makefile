# Everything from nothing: `make run` and `make check` create the venv, install torch (CPU)
# first, then the package, pull the models, and go. Later calls reuse what is there.
SHELL := /bin/bash
PY_SYS ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(PY) -m pip
QA := $(VENV)/bin/qa-pipeline
STAMP := $(VENV)/.stamp-install
MODELS_STAMP := $(VENV)/.stamp-models
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1
export TOKENIZERS_PARALLELISM := false

.PHONY: setup models browser run check lint typecheck test test-fast bench update-gold clean

setup: $(STAMP)

$(STAMP): pyproject.toml
	test -x $(PY) || $(PY_SYS) -m venv $(VENV)
	$(PIP) install -q --disable-pip-version-check --upgrade pip
	# torch first, from the CPU wheel: a bare requirement would pull a multi-GB CUDA build.
	$(PIP) install -q --disable-pip-version-check torch==2.13.0
	$(PIP) install -q --disable-pip-version-check -e '.[dev]'
	touch $@

models: $(MODELS_STAMP)

$(MODELS_STAMP): $(STAMP) qa_pipeline/models.py qa_pipeline/convert_e5.py
	$(QA) models pull embeddinggemma-300m multilingual-e5-small --quiet
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

test: models browser
	$(VENV)/bin/pytest -q

test-fast: setup
	$(VENV)/bin/pytest -q -m "not slow and not browser"

check: setup models browser lint typecheck test

bench: models
	$(PY) bench/run_all.py

update-gold: setup
	UPDATE_GOLD=1 $(VENV)/bin/pytest -q tests -k golden

clean:
	rm -rf $(VENV) build *.egg-info reports/*/ reports/index.html
