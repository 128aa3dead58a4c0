"""Office unit tests: the app with fakes of the services it calls and of its audit log."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from office_fakes import EMPLOYEE, FakeAuditLog, FakeServices, as_role

from bank_shared.auth import current_principal
from office_service import clients, repository
from office_service.api import app


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


@pytest.fixture
def client(services: FakeServices, audit: FakeAuditLog) -> Iterator[TestClient]:
    """The office app with the fakes, called as an employee (`as_role` changes the caller)."""
    as_role(EMPLOYEE, "employee")
    try:
        yield TestClient(app, raise_server_exceptions=False)
    finally:
        app.dependency_overrides.pop(current_principal, None)
