# planwatch: the two commands for a fresh machine are `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000
SITE_URL ?= http://$(HOST):$(PORT)
TEST_WORKERS ?= auto

.PHONY: install install-runtime run test test-fast lint format messages browser office signing ocr deploy-tools lock clean

install: $(STAMP)

# .venv from the lock files (hash-checked): uv itself comes from requirements-uv.txt.
$(STAMP): requirements-dev.txt requirements-uv.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --require-hashes --no-deps -r requirements-uv.txt
	$(BIN)/uv pip sync --quiet --require-hashes --compile-bytecode --python $(BIN)/python requirements-dev.txt
	touch $(STAMP)

# Production (docs/deployment.md): the runtime dependencies only, bytecode compiled,
# the project's own too (the services run with the code read-only, ProtectSystem=strict,
# and would otherwise recompile it at every start).
install-runtime:
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --require-hashes --no-deps -r requirements-uv.txt
	$(BIN)/uv pip sync --quiet --require-hashes --compile-bytecode --python $(BIN)/python requirements.txt
	$(BIN)/python -m compileall -q -j 0 -x '/(\.venv|\.cache|\.git|var)/' .

# The web server and the task worker together; Ctrl-C stops both.
run: install
	$(BIN)/python manage.py migrate --no-input
	SITE_URL=$(SITE_URL) $(BIN)/python manage.py load_demo
	SITE_URL=$(SITE_URL) LOG_FORMAT=text $(BIN)/python manage.py devserver $(HOST):$(PORT)

# Every test: unit, views, API, and the browser tests in Debian's chromium, on the
# machine's cores (pytest-xdist), with branch coverage and its floor (pyproject.toml).
test: install browser office signing ocr deploy-tools
	$(BIN)/ruff check .
	$(BIN)/mypy
	$(BIN)/python manage.py makemigrations --check --dry-run
	$(BIN)/python -m pytest -n $(TEST_WORKERS) --dist loadgroup --cov --cov-report=term:skip-covered $(PYTEST_ARGS)

test-fast: install
	$(BIN)/python -m pytest -m "not browser" $(PYTEST_ARGS)

# Debian's chromium for the Playwright tests (installed only where it is missing).
browser:
	@sh scripts/ensure-chromium

# LibreOffice Writer for the PDF of the consolidated report (only where it is missing).
office:
	@sh scripts/ensure-libreoffice

# SoftHSM2 (a PKCS#11 token) and DejaVu Sans for the signature tests (only where missing).
signing:
	@sh scripts/ensure-softhsm

# Tesseract with its Vietnamese model and pdftoppm for scanned plans (only where missing).
ocr:
	@sh scripts/ensure-tesseract

# nginx for `nginx -t` of deploy/nginx (only where it is missing; not started).
deploy-tools:
	@sh scripts/ensure-deploy-tools

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

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
