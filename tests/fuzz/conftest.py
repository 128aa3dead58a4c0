"""The fuzzing tier: schemathesis over every `api_spec/*.openapi.json`, through this stack's gateway."""

from __future__ import annotations

import pytest


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        if "/tests/fuzz/" in str(item.fspath):
            item.add_marker(pytest.mark.e2e)
