# The two commands: `make run` and `make test`. Everything else is a convenience.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
TEST_STAMP := $(VENV)/.installed-test
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test install install-test lint typecheck pytest bench screenshots messages lock clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): $(BIN)/python pyproject.toml constraints.txt
	$(BIN)/pip install --quiet -c constraints.txt -e .
	touch $@

$(TEST_STAMP): $(STAMP)
	$(BIN)/pip install --quiet -c constraints.txt -e '.[test]'
	touch $@

install: $(STAMP)

install-test: $(TEST_STAMP)

run: $(STAMP)
	$(BIN)/aandacht serve --host $(HOST) --port $(PORT)

test: $(TEST_STAMP)
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

pytest: $(TEST_STAMP)
	$(BIN)/pytest

bench: $(TEST_STAMP)
	$(BIN)/python bench/run.py

screenshots: $(TEST_STAMP)
	$(BIN)/python scripts/screenshots.py

messages: $(TEST_STAMP)
	cd src/aandacht && ../../$(BIN)/django-admin makemessages -l nl --no-obsolete --settings=aandacht.settings
	cd src/aandacht && ../../$(BIN)/django-admin compilemessages --settings=aandacht.settings

lock: $(BIN)/python
	$(BIN)/pip install --quiet -e '.[test]'
	$(BIN)/pip freeze --exclude-editable > constraints.txt

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache
