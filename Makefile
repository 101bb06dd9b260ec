# Two entry points for people (see README "Quick start"): `make demo` and `make test`.
# Everything else is set-up they share. Only Python >= 3.11 and Debian's tools are assumed.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: demo test setup lint clean

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Flowbridge needs Python >= 3.11")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

setup: $(STAMP)
	$(BIN)/flowbridge compilemessages

## Start the product: SQLite, demo company with 90 days of requests, web UI on http://127.0.0.1:8000
demo: setup
	$(BIN)/flowbridge migrate
	$(BIN)/flowbridge demo --history --history-days 90
	$(BIN)/flowbridge refresh-logs
	$(BIN)/flowbridge serve

## Run the whole test suite (SQLite, or PostgreSQL when DATABASE_URL points at it)
test: setup
	$(BIN)/python -m pytest

lint: setup
	$(BIN)/ruff check src tests $(wildcard bench)
	$(BIN)/ruff format --check src tests $(wildcard bench)
	$(BIN)/mypy src
	$(BIN)/lint-imports

clean:
	rm -rf $(VENV) var
