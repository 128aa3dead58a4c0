# The two commands a newcomer needs are `make up` and `make test` (see README.md).
SHELL := /bin/bash
PY := .local/venv/bin/python
STAGE ?= dev
STACK := python3 localstack/stackctl.py
# `make migrate SERVICE=ledger` (or several: SERVICE="ledger fx"); every service when unset.
MIGRATIONS := $(PY) -m bank_shared.migrations
SERVICE_ARGS = $(foreach s,$(SERVICE),--service $(s))

.PHONY: mutation up down status logs reset install test test-unit test-integration test-e2e test-built test-fuzz lint openapi lock \
	build deploy rehearse-deploy bench-coldstart bench-ledger load load-seed audit-ledger audit-office migrate db-current db-history bench-kms bench-service-calls bench-auth-timing duplicates

up:
	$(STACK) up

down:
	$(STACK) down

status:
	$(STACK) status

# `make logs` tails every piece's log; `make logs REQUEST_ID=...` prints one request's lines from the HEC stand-in.
logs:
	$(STACK) logs $(if $(REQUEST_ID),--request-id '$(REQUEST_ID)',)

reset:
	$(STACK) reset

install:
	$(STACK) install

# The unit tier first, with its line coverage per package (a signal, docs/testing.md), then every other tier.
test: install lint
	$(STACK) up --quiet
	mkdir -p .local/coverage
	COVERAGE_FILE=.local/coverage/unit.coverage $(PY) -m pytest tests/unit -p no:cacheprovider \
		--cov=shared/bank_shared --cov=functions --cov-report=
	$(PY) localstack/coverage_summary.py .local/coverage/unit.coverage
	$(PY) -m pytest tests -p no:cacheprovider --ignore=tests/unit

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

# The duplicate finder's pairs in functions/, by kind (logic, declarations, applied migrations), now against the
# baseline before the code-health work (BASELINE=<rev> to compare with another); needs the `duplicates` tool.
duplicates: install
	$(PY) localstack/duplicate_report.py $(if $(BASELINE),--baseline $(BASELINE))

# Mutation testing (mutmut) of the ledger, accounts, auth and idempotency code against the unit tier; bounded by
# MUTATION_SECONDS; not part of `make test`. Figures in docs/testing.md.
mutation: install
	$(PY) localstack/mutationctl.py

# Regenerate every Python lock from the requirements.in files (UPGRADE=1 moves pins to the newest allowed).
lock:
	$(PY) localstack/lockctl.py $(if $(UPGRADE),--upgrade,)

# sam build of template.yaml for Lambda (arm64) into .aws-sam/build, which `sam deploy` reads.
build: install
	$(PY) localstack/buildctl.py --config-env $(STAGE)

# The whole deploy of a stage (credentials checked first, sam build + deploy, the SPA to S3 and CloudFront,
# a smoke check over the public origin): README "Deploy to AWS", docs/aws.md "make deploy".
deploy: install
	$(PY) localstack/deployctl.py --stage $(STAGE)

# The translated template created in LocalStack's CloudFormation (what an emulator can prove of a deploy):
# docs/deploy.md "Rehearsal". STAGE=dev|prod picks samconfig's parameters.
rehearse-deploy: install
	$(STACK) up --quiet
	$(PY) localstack/rehearsectl.py --stage $(STAGE)

# Schemathesis over every api_spec/*.openapi.json (part of `make test`); FUZZ_MAX_EXAMPLES per operation.
test-fuzz: install
	$(STACK) up --quiet
	$(PY) -m pytest tests/fuzz

# ruff (with the complexity gate), mypy strict, the import-linter layer contracts (pyproject.toml), the locks.
lint: install
	$(PY) -m ruff check shared functions localstack tests
	$(PY) -m mypy
	PYTHONPATH=$$(sed -n 's/^mypy_path = "\(.*\)"$$/\1/p' pyproject.toml) .local/venv/bin/lint-imports
	$(PY) localstack/lockctl.py --check

# Alembic per service (docs/migrations.md); `make up` runs `migrate` itself.
migrate: install
	$(MIGRATIONS) upgrade $(SERVICE_ARGS) --stack-file .local/stack.json

db-current: install
	$(MIGRATIONS) current $(SERVICE_ARGS) --stack-file .local/stack.json

db-history: install
	$(MIGRATIONS) history $(SERVICE_ARGS)

openapi: install
	$(PY) -m bank_shared.tools.openapi write
	$(PY) -m bank_shared.tools.asyncapi write
	cd frontend && npm run gen:api

bench-coldstart: install
	$(PY) tests/benchmarks/coldstart.py

bench-ledger: install
	$(STACK) up --quiet
	$(PY) tests/benchmarks/ledger.py

# Locust through the gateway, then the ledger audit. LOAD_USERS (20), LOAD_SECONDS (60; 300 with FAULTS=1),
# LOAD_SPAWN_RATE (5); FAULTS=1 injects the fault drills while it runs. Reports in .local/load/.
load: install
	$(STACK) up --quiet
	FAULTS=$(FAULTS) $(PY) tests/load/run.py

load-seed: install
	$(STACK) up --quiet
	$(PY) tests/load/seed.py --customers $${LOAD_USERS:-20}

audit-ledger: install
	$(STACK) up --quiet
	$(PY) tests/load/audit_ledger.py

# Verify the back office's hash-chained audit log and approvals (docs/back-office.md), with office's environment.
audit-office: install
	$(STACK) up --quiet
	$(PY) -c 'import sys; from tests.support.stack import run_function_module as r; \
	  p = r("office", "office_service.verify_audit"); print(p.stdout + p.stderr, end=""); sys.exit(p.returncode)'

bench-kms: install
	$(STACK) up --quiet
	$(PY) tests/benchmarks/kms_signing.py

bench-service-calls: install
	$(STACK) up --quiet
	$(PY) tests/benchmarks/service_calls.py

bench-auth-timing: install
	$(STACK) up --quiet
	$(PY) tests/benchmarks/auth_timing.py
