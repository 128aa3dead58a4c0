"""Office unit tests: the app with fakes of the services it calls and of its audit log."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from office_fakes import FakeAuditLog, FakeServices

from office_service import clients, repository


@pytest.fixture
def services() -> Iterator[FakeServices]:
    fake = FakeServices()
    clients.set_services(fake)
    try:
        yield fake
    finally:
        clients.set_services(None)


@pytest.fixture
def audit() -> Iterator[FakeAuditLog]:
    fake = FakeAuditLog()
    repository.set_audit_log(fake)
    try:
        yield fake
    finally:
        repository.set_audit_log(None)
