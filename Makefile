# planwatch: the two commands for a fresh machine are `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000
TEST_WORKERS ?= auto

.PHONY: install run test test-fast lint format messages browser office lock clean

install: $(STAMP)

# .venv from the lock files (hash-checked): uv itself comes from requirements-uv.txt.
$(STAMP): requirements-dev.txt requirements-uv.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --require-hashes --no-deps -r requirements-uv.txt
	$(BIN)/uv pip sync --quiet --require-hashes --python $(BIN)/python requirements-dev.txt
	touch $(STAMP)

run: install
	$(BIN)/python manage.py migrate --no-input
	$(BIN)/python manage.py load_demo
	$(BIN)/python manage.py runserver $(HOST):$(PORT)

# Every test: unit, views, API, and the browser tests in Debian's chromium, on the
# machine's cores (pytest-xdist), with branch coverage and its floor (pyproject.toml).
test: install browser office
	$(BIN)/ruff check .
	$(BIN)/python manage.py makemigrations --check --dry-run
	$(BIN)/python -m pytest -n $(TEST_WORKERS) --cov --cov-report=term:skip-covered $(PYTEST_ARGS)

test-fast: install
	$(BIN)/python -m pytest -m "not browser" $(PYTEST_ARGS)

# Debian's chromium for the Playwright tests (installed only where it is missing).
browser:
	@sh scripts/ensure-chromium

# LibreOffice Writer for the PDF of the consolidated report (only where it is missing).
office:
	@sh scripts/ensure-libreoffice

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

messages: install
	$(BIN)/python manage.py makemessages -l vi --no-obsolete --no-location --ignore=.venv --ignore=static
	$(BIN)/python manage.py compilemessages -l vi --ignore=.venv

# Re-pin after editing pyproject.toml (needs uv on PATH or in .venv).
lock:
	$(BIN)/uv pip compile pyproject.toml --generate-hashes --python-version 3.11 -q -o requirements.txt
	$(BIN)/uv pip compile pyproject.toml --extra dev --generate-hashes --python-version 3.11 -q -o requirements-dev.txt

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
