# AuthorWorks — every target creates .venv and installs what it needs first.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
PIP    := $(PY) -m pip
APP_STAMP  := $(VENV)/.installed-app
SERVER_STAMP := $(VENV)/.installed-server
TEST_STAMP := $(VENV)/.installed-test
# The npm Yjs clients the live-room tests drive (installed when npm is there; the tests say
# what is missing otherwise).
NODE_STAMP := tests/node/node_modules/.installed
# The web studio's editor, bundled by esbuild from npm packages with a lock file.
STUDIO_SRC := sync_server/web/studio_src
WEB_STAMP  := sync_server/web/static/studio/manifest.json
PYTEST_ARGS ?=

.PHONY: run test server web lint format bench screenshots clean

$(PY):
	$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11) and "Python 3.11 or newer is needed")'
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip

# The studio and the CLI (no server packages); the server (no Qt); the tests (everything).
$(APP_STAMP): pyproject.toml | $(PY)
	$(PIP) install --quiet -e '.[desktop]'
	@touch $@

$(SERVER_STAMP): pyproject.toml | $(PY)
	$(PIP) install --quiet -e '.[server]'
	@touch $@

$(TEST_STAMP): pyproject.toml | $(PY)
	$(PIP) install --quiet -e '.[desktop,server,test]'
	@touch $(APP_STAMP) $(SERVER_STAMP) $@

## Launch the desktop app on the default library (the sample book on first start).
run: $(APP_STAMP)
	$(VENV)/bin/authorworks-desktop

$(NODE_STAMP): tests/node/package.json tests/node/package-lock.json
	@if command -v npm >/dev/null 2>&1; then \
		npm ci --prefix tests/node --no-audit --no-fund --loglevel=error && touch $@; \
	else echo "npm not found: the live-room tests with npm Yjs clients will not run"; fi

$(WEB_STAMP): $(STUDIO_SRC)/package.json $(STUDIO_SRC)/package-lock.json $(STUDIO_SRC)/build.mjs $(wildcard $(STUDIO_SRC)/src/*)
	@if command -v npm >/dev/null 2>&1; then \
		npm ci --prefix $(STUDIO_SRC) --no-audit --no-fund --loglevel=error && node $(STUDIO_SRC)/build.mjs; \
	else echo "npm not found: the web studio (/app/) is not built"; fi

## Build the web studio's editor bundle (Node and npm; the server serves it under /app/).
web: $(WEB_STAMP)

## Run the whole test suite in parallel.
test: $(TEST_STAMP) $(NODE_STAMP) $(WEB_STAMP)
	QT_QPA_PLATFORM=offscreen $(PY) -m pytest -n auto $(PYTEST_ARGS)

## Start the sync server on 127.0.0.1:8000 with the embedded defaults.
server: $(SERVER_STAMP) $(WEB_STAMP)
	$(VENV)/bin/authorworks-server

lint: $(TEST_STAMP)
	$(VENV)/bin/ruff check core desktop sync_server tests
	$(VENV)/bin/ruff format --check core desktop sync_server tests
	$(VENV)/bin/mypy

format: $(TEST_STAMP)
	$(VENV)/bin/ruff check --fix core desktop sync_server tests
	$(VENV)/bin/ruff format core desktop sync_server tests

## Print the performance figures of every benchmark (large data is generated on the fly).
bench: $(TEST_STAMP)
	@set -e; for b in tests/benchmarks/bench_*.py; do echo "== $$b"; $(PY) $$b; done

## Render the main views to PNG under Xvfb (Debian: xvfb) into resources/screenshots/.
screenshots: $(APP_STAMP)
	QT_QPA_PLATFORM=xcb xvfb-run -a -s "-screen 0 1280x800x24" $(PY) -m desktop.tools.screenshots resources/screenshots

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
