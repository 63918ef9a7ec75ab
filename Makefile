# OPMS: `make run` sets up and starts everything; `make test` runs the whole suite.
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
PORT ?= 8000
TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/opms
TEST_REDIS_URL ?= redis://127.0.0.1:6379/15
CHROMIUM ?= /usr/bin/chromium

.PHONY: run install assets fonts messages migrate seed serve test test-deps lint chromium bench bench-quick clean diagram fuzz

run: install assets fonts messages migrate seed serve

$(VENV)/.installed: pyproject.toml
	@command -v $(PYTHON) >/dev/null || { echo "Python 3.11 ($(PYTHON)) is needed"; exit 1; }
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip
	$(PIP) install --quiet -e '.[test]'
	touch $@

install: $(VENV)/.installed

# Front-end libraries come from the npm registry at the pinned versions of
# package-lock.json and are copied under static/vendor; nothing loads from a CDN.
static/vendor/.installed: package.json package-lock.json
	@command -v npm >/dev/null || apt-get install -y --no-install-recommends npm
	npm ci --no-audit --no-fund --silent
	mkdir -p static/vendor
	cp node_modules/htmx.org/dist/htmx.min.js static/vendor/
	cp node_modules/bootstrap/dist/css/bootstrap.min.css static/vendor/
	cp node_modules/bootstrap/dist/js/bootstrap.bundle.min.js static/vendor/
	# The source maps the minified files name: collectstatic (manifest storage) needs them.
	cp node_modules/bootstrap/dist/js/bootstrap.bundle.min.js.map static/vendor/
	cp node_modules/bootstrap/dist/css/bootstrap.min.css.map static/vendor/
	cp node_modules/echarts/dist/echarts.min.js static/vendor/
	touch $@

assets: static/vendor/.installed

# A CJK font for the PDFs (出库单, invoices) that WeasyPrint renders.
fonts:
	@fc-list :lang=zh 2>/dev/null | grep -q . || { \
	  (apt-get update -qq || true) && apt-get install -y -qq --no-install-recommends fonts-wqy-microhei fontconfig \
	  || echo "warning: could not install a CJK font; PDFs will lack Chinese glyphs"; }

messages: install
	$(PY) manage.py compilemessages --ignore='.venv/*' --ignore='node_modules/*' -v 0

migrate: install
	$(PY) manage.py migrate --no-input -v 0

seed: migrate
	$(PY) manage.py seed_demo

serve:
	PORT=$(PORT) $(VENV)/bin/honcho start -f Procfile

chromium:
	@test -x $(CHROMIUM) || { (apt-get update -qq || true) && apt-get install -y -qq --no-install-recommends chromium; }

test-deps: install assets fonts chromium messages

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports
	DATABASE_URL=$(TEST_DATABASE_URL) $(PY) manage.py makemigrations --check --dry-run -v 0

test: test-deps lint
	DATABASE_URL=$(TEST_DATABASE_URL) REDIS_URL=$(TEST_REDIS_URL) CHROMIUM=$(CHROMIUM) $(VENV)/bin/pytest -q

# schemathesis against /api/schema/ with many more examples than `make test` runs.
FUZZ_EXAMPLES ?= 200
fuzz: install
	DATABASE_URL=$(TEST_DATABASE_URL) REDIS_URL=$(TEST_REDIS_URL) FUZZ_EXAMPLES=$(FUZZ_EXAMPLES) $(VENV)/bin/pytest -q tests/api/test_fuzz.py

clean:
	rm -rf $(VENV) node_modules static/vendor var

# The state diagrams of the documents (docs/state-machines.dot, checked by a test).
diagram: install
	LANGUAGE_CODE=en $(PY) manage.py graph_transitions orders.SalesOrder orders.Shipment finance.Invoice > docs/state-machines.dot
	LANGUAGE_CODE=en $(PY) manage.py graph_transitions purchasing.PurchaseOrder orders.SalesReturn > docs/state-machines-purchasing-returns.dot

# Benchmarks on PostgreSQL + Redis (seeds BENCH_DATABASE_URL with seed_bench when needed):
# `make bench` (1M orders, < 20 min), `make bench-quick` (smoke run), `make bench ARGS="--only pages"`.
BENCH_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/opms_bench
BENCH_REDIS_URL ?= redis://127.0.0.1:6379/14
bench: install
	DATABASE_URL=$(BENCH_DATABASE_URL) REDIS_URL=$(BENCH_REDIS_URL) $(PY) bench/run.py $(ARGS)

bench-quick: install
	DATABASE_URL=$(BENCH_DATABASE_URL)_quick REDIS_URL=$(BENCH_REDIS_URL) $(PY) bench/run.py --quick $(ARGS)
