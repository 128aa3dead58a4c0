"""Customer unit tests: the app with a fake of the services it calls and a minted claims context."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from customer_fakes import FakeServices

from customer_service import clients


@pytest.fixture
def services() -> Iterator[FakeServices]:
    fake = FakeServices()
    clients.set_services(fake)
    try:
        yield fake
    finally:
        clients.set_services(None)
