"""Test tiers: unit tests need nothing; integration and e2e tests need the stack `make test` brings up."""

from __future__ import annotations

import os

import pytest

# Unit tests must never reach a real AWS endpoint or leak the developer's credentials.
os.environ.setdefault("AWS_DEFAULT_REGION", "eu-central-1")
os.environ.setdefault("POWERTOOLS_TRACE_DISABLED", "true")
os.environ.setdefault("POWERTOOLS_METRICS_NAMESPACE", "BankTests")
os.environ.setdefault("APP_ENV", "test")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        path = str(item.fspath)
        if "/tests/integration/" in path:
            item.add_marker(pytest.mark.integration)
        if "/tests/e2e/" in path:
            item.add_marker(pytest.mark.e2e)
