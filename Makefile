# The two commands: `make run` serves the app, `make test` runs every test.
# `make bench` measures it (not part of `make test`).
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

NPM ?= npm

.PHONY: run test lint bench clean

run: $(VENV)/.deps-run node_modules/.package-lock.json
	$(BIN)/python scripts/run_dev.py

test: $(VENV)/.deps-test node_modules/.package-lock.json
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

# The dashboard's front-end libraries (Chart.js), exactly as package-lock.json pins
# them; the app serves them from node_modules (never a CDN, never committed).
node_modules/.package-lock.json: package.json package-lock.json
	$(NPM) ci --no-audit --no-fund
	touch $@

clean:
	rm -rf $(VENV) instance .pytest_cache node_modules
