# The two commands: `make run` serves the app, `make test` runs every test.
# `make bench` measures it (not part of `make test`).
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: run test lint bench clean

run: $(VENV)/.deps-run
	$(BIN)/python scripts/run_dev.py

test: $(VENV)/.deps-test
	bash scripts/test.sh

# Measures the app under gunicorn with wrk and writes BENCHMARKS.md (a few minutes).
bench: $(VENV)/.deps-run
	bash bench/install-wrk.sh
	$(BIN)/python -m bench.run

lint: $(VENV)/.deps-test
	$(BIN)/ruff check . && $(BIN)/ruff format --check .

$(VENV)/bin/python:
	$(PYTHON) -c 'import sys; sys.exit("Python 3.11 or newer is needed") if sys.version_info < (3, 11) else None'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# The dev requirements include localstripe, which the offline run needs too.
$(VENV)/.deps-run: requirements.txt requirements-dev.txt $(VENV)/bin/python
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	touch $@

$(VENV)/.deps-test: $(VENV)/.deps-run
	bash scripts/install-test-deps.sh
	touch $@

clean:
	rm -rf $(VENV) instance .pytest_cache
