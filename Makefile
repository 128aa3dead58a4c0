# The two commands a newcomer needs are `make up` and `make test` (see README.md).
SHELL := /bin/bash
PY := .local/venv/bin/python
STACK := python3 localstack/stackctl.py

.PHONY: up down status logs reset install test test-unit test-integration test-e2e lint openapi bench-coldstart bench-ledger

up:
	$(STACK) up

down:
	$(STACK) down

status:
	$(STACK) status

logs:
	$(STACK) logs

reset:
	$(STACK) reset

install:
	$(STACK) install

test: install
	$(STACK) up --quiet
	$(PY) -m pytest tests -p no:cacheprovider

test-unit: install
	$(PY) -m pytest tests/unit

test-integration: install
	$(STACK) up --quiet
	$(PY) -m pytest tests/integration

test-e2e: install
	$(STACK) up --quiet
	$(PY) -m pytest tests/e2e

lint: install
	$(PY) -m ruff check shared functions localstack tests
	$(PY) -m mypy

openapi: install
	$(PY) -m bank_shared.tools.openapi write
	cd frontend && npm run gen:api

bench-coldstart: install
	$(PY) tests/benchmarks/coldstart.py

bench-ledger: install
	$(STACK) up --quiet
	$(PY) tests/benchmarks/ledger.py
