# Everyday actions. `make book` and `make test` set everything up on first use.
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
PYTHON ?= python3
# The model the book is built with: bundled (offline, the default here), bert-base-uncased, or any BERT id/path.
ATTNVIZ_MODEL ?= bundled
export ATTNVIZ_MODEL
PORT ?= 8000
# pytest-xdist workers for `make test` (auto: one per CPU core)
TEST_JOBS ?= auto

.PHONY: book test browser engines jstest lint format serve clean bench bench-build screenshots notebooks

# attnviz (what Colab installs) and, beside it, the test tooling (tools/: attnviz-devtools), both editable.
$(STAMP): pyproject.toml tools/pyproject.toml requirements/constraints.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -c requirements/constraints.txt -e ".[bundled,book,browser,test]" -e ./tools
	touch $(STAMP)

## book: build the site into _build/html (pages executed in parallel and cached; any warning or cell error fails)
book: $(STAMP)
	$(VENV)/bin/jupyter-book build . -W -n --keep-going

## test: build the site if needed, find or install a headless Chromium (and WebKit, Firefox), then run every test
# -rfEs: the summary names each failure, error and skip (a missing engine: why, and the command that gets it)
test: book browser engines
	$(PY) -m pytest -n $(TEST_JOBS) -rfEs

## browser: find a Chromium for the browser tests, or install one (Playwright's, or apt-get's on Debian/Ubuntu as root)
browser: $(STAMP)
	$(PY) -m attnviz_devtools.browser

## engines: find WebKit and Firefox for tests/test_browser_engines.py, or install them (Playwright's, else Debian's
## WebKitGTK and firefox-esr); one line per engine: what will test it, or why it is skipped (ATTNVIZ_ENGINES=required fails)
engines: $(STAMP)
	$(PY) -m attnviz_devtools.engines

## notebooks: regenerate book/*.ipynb (what Colab and Binder open) and the pages' install cells from _config.yml
notebooks: $(STAMP)
	$(PY) scripts/sync_notebooks.py

## jstest: the front end's unit tests (tests/js, node's built-in runner) and their Python cross-checks
jstest: $(STAMP)
	$(PY) -m pytest tests/test_web_js.py -q

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy

format: $(STAMP)
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

## serve: preview the built site at http://localhost:$(PORT)
serve:
	$(PY) -m http.server $(PORT) --bind 127.0.0.1 --directory _build/html

bench: book
	$(PY) benchmarks/payload.py

## bench-build: clean, no-change and one-page-edit build times, parallel vs serial (takes several minutes)
bench-build: $(STAMP)
	$(PY) benchmarks/build.py

screenshots: book
	$(PY) scripts/screenshot.py $(PAGES)

clean:
	$(VENV)/bin/jupyter-book clean . || rm -rf _build/html _build/jupyter_execute
