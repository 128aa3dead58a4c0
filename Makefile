# The two commands a newcomer needs are `make up` and `make test` (see README.md).
SHELL := /bin/bash
PY := .local/venv/bin/python
STAGE ?= dev
STACK := python3 localstack/stackctl.py

.PHONY: up down status logs reset install test test-unit test-integration test-e2e test-built lint openapi lock build \
	bench-coldstart bench-ledger bench-auth-timing

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

# sam build (arm64 and this host's arch) + every handler run from its artifact with only the layer beside it.
test-built: install
	$(STACK) up --quiet
	$(PY) -m pytest tests/built

# Regenerate every Python lock from the requirements.in files (UPGRADE=1 moves pins to the newest allowed).
lock:
	$(PY) localstack/lockctl.py $(if $(UPGRADE),--upgrade,)

# sam build of template.yaml for Lambda (arm64) into .aws-sam/build, which `sam deploy` reads.
build: install
	$(PY) localstack/buildctl.py --config-env $(STAGE)

lint: install
	$(PY) -m ruff check shared functions localstack tests
	$(PY) -m mypy
	$(PY) localstack/lockctl.py --check

openapi: install
	$(PY) -m bank_shared.tools.openapi write
	cd frontend && npm run gen:api

bench-coldstart: install
	$(PY) tests/benchmarks/coldstart.py

bench-ledger: install
	$(STACK) up --quiet
	$(PY) tests/benchmarks/ledger.py

bench-auth-timing: install
	$(STACK) up --quiet
	$(PY) tests/benchmarks/auth_timing.py
