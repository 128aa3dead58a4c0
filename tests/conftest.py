"""Test tiers: unit tests need nothing; integration and e2e tests need the stack `make test` brings up."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

# Unit tests must never reach a real AWS endpoint or leak the developer's credentials.
os.environ.setdefault("AWS_DEFAULT_REGION", "eu-central-1")
os.environ.setdefault("POWERTOOLS_TRACE_DISABLED", "true")
os.environ.setdefault("POWERTOOLS_METRICS_NAMESPACE", "BankTests")
os.environ.setdefault("APP_ENV", "test")
os.environ.setdefault("SERVICES_ACTING_FOR_STAFF", "office")  # as the template sets it

# Integration tests that need Kafka find the stack's broker here (`make up` writes stack.json).
_STACK_FILE = Path(__file__).resolve().parents[1] / ".local" / "stack.json"
if _STACK_FILE.exists():
    os.environ.setdefault("BANK_KAFKA_BOOTSTRAP", json.loads(_STACK_FILE.read_text())["kafka_bootstrap"])


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        path = str(item.fspath)
        if "/tests/integration/" in path:
            item.add_marker(pytest.mark.integration)
        if "/tests/e2e/" in path:
            item.add_marker(pytest.mark.e2e)
