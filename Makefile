# Porchlight: `make run` serves the demo, `make test` runs the whole suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HTMX_VERSION := 2.0.8
HTMX_SHA256 := 22283ef68cb7545914f0a88a1bdedc7256a703d1d580c1d255217d0a50d31313
# One test worker per core (`nproc`; `getconf` where there is none), overridable.
PYTEST_WORKERS ?= $(shell nproc 2>/dev/null || getconf _NPROCESSORS_ONLN 2>/dev/null || echo 2)
# How far ahead `make test-year-ahead` moves the clock: a year and half a day, so the rerun
# also sees another weekday and the other half of the day.
CLOCK_SHIFT_DAYS ?= 365.5

.PHONY: run test test-year-ahead install lint format chromium translations clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: requirements.txt | $(BIN)/python
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -r requirements.txt
	touch $@

# htmx 2.x from the npm registry, pinned and checked, served from our own origin.
static/vendor/htmx.min.js:
	@command -v npm >/dev/null || { echo "npm is needed once to fetch htmx $(HTMX_VERSION)"; exit 1; }
	@mkdir -p static/vendor
	@tmp=$$(mktemp -d) && cd $$tmp && npm pack --silent htmx.org@$(HTMX_VERSION) >/dev/null 2>&1 \
		&& tar xzf htmx.org-$(HTMX_VERSION).tgz \
		&& echo "$(HTMX_SHA256)  package/dist/htmx.min.js" | sha256sum -c --quiet \
		&& cp package/dist/htmx.min.js $(CURDIR)/static/vendor/htmx.min.js && rm -rf $$tmp

install: $(VENV)/.installed static/vendor/htmx.min.js

run: install
	$(BIN)/python scripts/run_demo.py

chromium: install
	@scripts/find_chromium.sh >/dev/null

test: install
	PLAYWRIGHT_CHROMIUM_PATH="$$(scripts/find_chromium.sh)" $(BIN)/python -m pytest -n $(PYTEST_WORKERS) -p no:cacheprovider $(PYTEST_ARGS)

# The suites again with the clock of every test process (and of the processes they start)
# moved CLOCK_SHIFT_DAYS ahead, by tests/shifted_clock/sitecustomize.py: a test that mixes a
# fixed date with today's fails here long before the calendar reaches it. The browser and
# bench suites show no dates of their own and stay out.
test-year-ahead: install
	PORCHLIGHT_TEST_CLOCK_SHIFT_DAYS=$(CLOCK_SHIFT_DAYS) \
	PYTHONPATH="$(CURDIR)/tests/shifted_clock$${PYTHONPATH:+:$$PYTHONPATH}" \
	$(BIN)/python -m pytest -n $(PYTEST_WORKERS) -p no:cacheprovider \
		-W "ignore:Module already imported so cannot be rewritten:pytest.PytestAssertRewriteWarning" \
		--ignore=tests/e2e --ignore=tests/bench $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# Re-extract, merge and compile the es/de catalogues (the compiled .mo files are committed).
translations: install
	$(BIN)/pybabel extract -F translations/babel.cfg -k _l -k lazy_gettext -o translations/messages.pot --no-location --sort-output .
	$(BIN)/pybabel update -i translations/messages.pot -d translations
	$(BIN)/pybabel compile -d translations

clean:
	rm -rf $(VENV) static/vendor test-artifacts .pytest_cache
