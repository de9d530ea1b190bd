# Article cleaner: `make install` sets up .venv and cleans the sample corpus,
# `make test` runs the tests, `make bench` prints the benchmark figures.
PYTHON ?= python3
VENV   ?= .venv
BIN     = $(VENV)/bin

.PHONY: install test faults bench lint clean-corpus screenshots

install: $(BIN)/clean
	$(BIN)/clean corpus/ -o corpus.clean/

$(BIN)/clean: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(BIN)/clean

test: $(BIN)/clean
	$(BIN)/python -m pytest

# The fault battery alone (kills, signals, full disks, concurrent runs, links, names); make test runs it too.
faults: $(BIN)/clean
	$(BIN)/python -m pytest -q tests/test_faults.py

bench: $(BIN)/clean
	$(BIN)/python -m bench

lint: $(BIN)/clean
	$(BIN)/ruff check cleaner heuristics tests bench train

# The README's screenshots of the review report, taken by its browser test (needs chromium).
screenshots: $(BIN)/clean
	REPORT_SCREENSHOTS=docs $(BIN)/python -m pytest -q tests/test_report_browser.py
