# The two commands: `make run` and `make test`. Everything else is a convenience.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
TEST_STAMP := $(VENV)/.installed-test
HOST ?= 127.0.0.1
PORT ?= 8000
# Translations: each committed .po compiles to a .mo beside it (gitignored) with polib, so no
# system gettext is needed; a .po newer than its .mo is recompiled before `run` and `test`.
PO_FILES := $(wildcard src/aandacht/locale/*/LC_MESSAGES/*.po)
MO_FILES := $(PO_FILES:.po=.mo)

.PHONY: run test install install-test lint typecheck pytest bench bench-attention bench-import bench-carddav bench-pages screenshots messages lock clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): $(BIN)/python pyproject.toml constraints.txt
	$(BIN)/pip install --quiet -c constraints.txt -e .
	touch $@

$(TEST_STAMP): $(STAMP)
	$(BIN)/pip install --quiet -c constraints.txt -e '.[test]'
	touch $@

%.mo: %.po | $(STAMP)
	$(BIN)/python scripts/compile_messages.py --quiet $<

install: $(STAMP) $(MO_FILES)

install-test: $(TEST_STAMP) $(MO_FILES)

run: $(STAMP) $(MO_FILES)
	$(BIN)/aandacht serve --host $(HOST) --port $(PORT)

test: $(TEST_STAMP) $(MO_FILES)
	$(BIN)/python scripts/ensure_chromium.py
	$(BIN)/ruff check src tests bench scripts
	$(BIN)/ruff format --check src tests bench scripts
	$(BIN)/mypy src
	bash scripts/run-tests

lint: $(TEST_STAMP)
	$(BIN)/ruff check src tests bench scripts
	$(BIN)/ruff format --check src tests bench scripts

typecheck: $(TEST_STAMP)
	$(BIN)/mypy src

pytest: $(TEST_STAMP) $(MO_FILES)
	$(BIN)/pytest

# Every benchmark (search/demo/pages, keep in touch, import); the last line merges their figures.
bench: $(TEST_STAMP)
	$(BIN)/python bench/run_all.py

# Keep in touch: a simulated year of the planner against a naive scheduler (docs/benchmarks.md).
bench-attention: $(STAMP)
	$(BIN)/python bench/attention.py

# Import: 50,000 generated cards, the full import against vobject's parse (docs/benchmarks.md).
# BENCH_IMPORT_CARDS=5000 for a quick run.
bench-import: $(TEST_STAMP)
	$(BIN)/python bench/import_bench.py

# CardDAV: 10,000 cards synced by vdirsyncer from Aandacht and from Radicale, same run
# (docs/benchmarks.md). BENCH_CARDDAV_CARDS=1000 for a quick run.
bench-carddav: $(TEST_STAMP)
	$(BIN)/python bench/carddav_bench.py

# Pages at scale: a generated 50,000-person vault served by `aandacht serve --production`,
# measured over real HTTP on SQLite and PostgreSQL (docs/benchmarks.md). BENCH_PAGES_PEOPLE=5000
# for a quick run.
bench-pages: $(TEST_STAMP)
	$(BIN)/python bench/pages_bench.py

screenshots: $(TEST_STAMP)
	$(BIN)/python scripts/screenshots.py

# Developer-only: makemessages needs GNU gettext's xgettext/msgmerge (apt-get install gettext).
# Installing and running the app never does; they only compile the committed .po with polib.
messages: $(TEST_STAMP)
	cd src/aandacht && ../../$(BIN)/django-admin makemessages -l nl --no-obsolete --settings=aandacht.settings
	$(BIN)/python scripts/compile_messages.py

lock: $(BIN)/python
	$(BIN)/pip install --quiet -e '.[test]'
	$(BIN)/pip freeze --exclude-editable > constraints.txt

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache
