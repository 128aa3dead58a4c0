"""Shared fixtures of the end-to-end tier: an HTTP client on this stack's gateway."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from tests.support.stack import gateway_url


@pytest.fixture(scope="module")
def http() -> Iterator[httpx.Client]:
    with httpx.Client(base_url=gateway_url(), timeout=30) as client:
        yield client
