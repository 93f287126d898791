# Two commands: `make reproduce` (every figure and table of the example study) and
# `make test`. Both create .venv on first use and install the pinned versions.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
export PYTHONHASHSEED := 0
export MPLBACKEND := Agg

.PHONY: all install test test-quick reproduce check verify checksums lint lock bench dist clean

all: test

$(STAMP): requirements/lock.txt pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements/lock.txt
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps -e .
	touch $(STAMP)

install: $(STAMP)

test: $(STAMP)
	$(BIN)/python -m pytest -q

# Quick feedback while developing: everything but the tests that run notebooks or subprocesses.
test-quick: $(STAMP)
	$(BIN)/python -m pytest -q -m "not slow"

reproduce: $(STAMP)
	$(BIN)/citra-eval reproduce

check: $(STAMP)
	$(BIN)/citra-eval reproduce --check

verify: $(STAMP)
	$(BIN)/citra-eval verify

# Deliberately accept changed raw inputs: re-record data/raw/CHECKSUMS.sha256, then rebuild.
checksums: $(STAMP)
	$(BIN)/citra-eval reproduce --update-checksums

lint: $(STAMP)
	$(BIN)/ruff check src tests benchmarks scripts notebooks

bench: $(STAMP)
	$(BIN)/python benchmarks/bench_autocode.py
	$(BIN)/python benchmarks/bench_agreement.py

# A wheel and an sdist in $(DIST)/ that carry the notebooks, the study templates and the example
# study (setup.py copies it from the repository root), built offline with the pinned setuptools.
# Install the wheel with its notebook extra: pip install 'dist/citra_eval-0.1.0-py3-none-any.whl[notebooks]'
DIST ?= dist
dist: $(STAMP)
	rm -rf build
	$(BIN)/python -m build --no-isolation --outdir $(DIST) .

# Re-pin every dependency after changing pyproject.toml (needs the registry).
lock:
	rm -rf .lock-venv && $(PYTHON) -m venv .lock-venv
	.lock-venv/bin/python -m pip install --quiet -e '.[notebooks,dev]'
	.lock-venv/bin/python -m pip freeze --all --exclude-editable | grep -vi '^citra' \
	    | grep -vi '^pip==' > requirements/lock.txt
	rm -rf .lock-venv

clean:
	rm -rf $(VENV) build dist src/*.egg-info .pytest_cache
