# Harmony — `make run` and `make test` work on a fresh clone with only Python 3.11+ (CONTRACT §2).
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
RUNTIME_STAMP := $(VENV)/.runtime.stamp
DEV_STAMP := $(VENV)/.dev.stamp
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test lint fmt bench test-sqlite test-postgres browsers

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip

$(RUNTIME_STAMP): requirements.txt | $(PY)
	$(PY) -m pip install -q -r requirements.txt
	touch $@

$(DEV_STAMP): requirements-dev.txt $(RUNTIME_STAMP)
	$(PY) -m pip install -q -r requirements-dev.txt
	touch $@

run: $(RUNTIME_STAMP)
	$(PY) manage.py migrate --noinput
	$(PY) manage.py bootstrap_admin
	$(PY) manage.py serve --host $(HOST) --port $(PORT)

lint: $(DEV_STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	HARMONY_TESTING=1 $(PY) manage.py check
	HARMONY_TESTING=1 $(PY) manage.py makemigrations --check --dry-run

test: lint test-sqlite test-postgres

test-sqlite: $(DEV_STAMP)
	env -u DATABASE_URL $(PY) -m pytest -q

# The same suite on PostgreSQL when TEST_DATABASE_URL is set (CONTRACT §7).
test-postgres: $(DEV_STAMP)
	@if [ -n "$$TEST_DATABASE_URL" ]; then \
		echo "== PostgreSQL: $$TEST_DATABASE_URL"; \
		DATABASE_URL="$$TEST_DATABASE_URL" $(PY) -m pytest -q -m "not browser"; \
	else echo "TEST_DATABASE_URL unset: PostgreSQL run skipped"; fi

fmt: $(DEV_STAMP)
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

bench: $(DEV_STAMP)
	$(PY) bench/run.py
