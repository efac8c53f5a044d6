# The two commands: `make run` serves the app, `make test` runs every test.
# `make bench` measures it (not part of `make test`).
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

NPM ?= npm

# Compiled message catalogues: built from translations/*/LC_MESSAGES/messages.po, never committed.
CATALOGUES := $(patsubst %.po,%.mo,$(wildcard translations/*/LC_MESSAGES/messages.po))

.PHONY: run test lint bench clean messages

run: $(VENV)/.deps-run node_modules/.package-lock.json $(CATALOGUES)
	$(BIN)/python scripts/run_dev.py

test: $(VENV)/.deps-test node_modules/.package-lock.json $(CATALOGUES)
	bash scripts/test.sh

# Measures the app under gunicorn with wrk (and behind Debian's nginx, when it can be
# installed) and writes BENCHMARKS.md (about ten minutes on 2 cores).
bench: $(VENV)/.deps-run
	bash bench/install-wrk.sh
	bash scripts/debian-package.sh "$${NGINX_PATH:-/usr/sbin/nginx}" nginx "the benchmark's proxy" \
		|| echo "nginx could not be installed: the full-stack figures will be skipped."
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

translations/%/LC_MESSAGES/messages.mo: translations/%/LC_MESSAGES/messages.po $(VENV)/.deps-run
	$(BIN)/pybabel compile --statistics -l $* -i $< -o $@

# After changing words in code or templates: re-extract messages.pot and merge it
# into every translations/*/LC_MESSAGES/messages.po (then translate what is new).
messages: $(VENV)/.deps-run
	$(BIN)/pybabel extract -F babel.cfg --project=fundraiser --no-location --sort-output \
		--copyright-holder="The fundraiser's authors" -o messages.pot .
	$(BIN)/pybabel update -i messages.pot -d translations --width 100 --no-fuzzy-matching --ignore-obsolete

clean:
	rm -rf $(VENV) instance .pytest_cache node_modules
	rm -f translations/*/LC_MESSAGES/*.mo
