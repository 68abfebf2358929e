# PAIRS Group: `make run` serves the app with demo data; `make test` runs every test.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 5000
FLASK := $(BIN)/flask --app wsgi

.PHONY: run test setup dev-tools assets translations database demo bench lint clean

# PORT goes to the app too: in development, links in texts point at the port being served.
run: setup database demo
	@echo "Serving on http://127.0.0.1:$(PORT) (Ctrl+C to stop). Texts are printed here and kept in instance/sms-outbox.jsonl."
	PORT=$(PORT) $(FLASK) run --host 127.0.0.1 --port $(PORT)

test: setup dev-tools
	$(BIN)/pytest $(PYTEST_ARGS)

# What the app needs to run; the test and lint tools (pytest, Playwright, ruff...) come with dev-tools.
setup: $(VENV)/.installed node_modules/.installed assets translations

dev-tools: $(VENV)/.dev-installed

$(VENV)/.installed: pyproject.toml constraints.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -c constraints.txt -e .
	touch $@

$(VENV)/.dev-installed: $(VENV)/.installed
	$(BIN)/pip install --quiet -c constraints.txt -e '.[dev]'
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

# NHS.UK frontend compiled from its Sass without the Frutiger web font, plus its script and icons.
assets: static/build/app.css static/build/nhsuk-frontend.min.js static/build/assets/manifest.json

static/build/app.css: static/src/app.scss static/src/_pairs.scss static/src/_rtl.scss node_modules/.installed
	mkdir -p static/build
	node_modules/.bin/sass --load-path=node_modules --style=compressed --no-source-map $< $@

static/build/nhsuk-frontend.min.js: node_modules/.installed
	mkdir -p static/build
	cp node_modules/nhsuk-frontend/dist/nhsuk/nhsuk-frontend.min.js $@

static/build/assets/manifest.json: node_modules/.installed
	mkdir -p static/build
	cp -r node_modules/nhsuk-frontend/dist/nhsuk/assets static/build/

translations: $(VENV)/.installed
	$(FLASK) translate compile

database: setup
	$(FLASK) db upgrade

demo: database
	$(FLASK) demo

bench: setup dev-tools
	command -v wrk >/dev/null || apt-get install -y wrk || echo "no wrk: using the Python load generator"
	$(BIN)/python -m bench

lint: setup dev-tools
	$(BIN)/ruff check .
	$(BIN)/bandit -q -ll -c pyproject.toml -r pairs_group

clean:
	rm -rf $(VENV) node_modules static/build
