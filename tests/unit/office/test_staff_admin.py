"""Employee administration and the audit log viewer in office (issue 15 item 4): admins only, every change
audited with its reason, auth's refusals passed through, audit filters and the CSV export."""

from __future__ import annotations

import csv
import io
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from fastapi.testclient import TestClient
from office_fakes import ADMIN, CUSTOMER, EMPLOYEE, FakeAuditLog, FakeServices, user

from bank_shared.auth import Principal, current_principal
from office_service.api import app
from office_service.repository import NewEntry
from office_service.settings import get_office_settings

REASON = {"reason": "перевод в другой отдел"}


def as_role(subject: object, *roles: str) -> None:
    app.dependency_overrides[current_principal] = lambda: Principal(str(subject), frozenset(roles), frozenset(), {})


@pytest.fixture
def client(services: FakeServices, audit: FakeAuditLog) -> Iterator[TestClient]:
    services.users[ADMIN] = user(ADMIN, ["admin", "employee"], "Ada")
    as_role(ADMIN, "admin")
    try:
        yield TestClient(app, raise_server_exceptions=False)
    finally:
        app.dependency_overrides.pop(current_principal, None)


ADMIN_ROUTES = [("GET", "/api/office/employees", None), ("GET", "/api/office/audit", None),
                ("GET", "/api/office/audit/export", None),
                ("POST", f"/api/office/employees/{EMPLOYEE}/roles", {"roles": ["admin"], **REASON}),
                ("POST", f"/api/office/employees/{EMPLOYEE}/deactivate", REASON),
                ("POST", f"/api/office/employees/{EMPLOYEE}/reactivate", REASON)]


@pytest.mark.parametrize(("method", "path", "body"), ADMIN_ROUTES)
def test_employees_and_customers_are_refused(client: TestClient, services: FakeServices, audit: FakeAuditLog,
                                             method: str, path: str, body: dict[str, object] | None) -> None:
    for subject, role in ((EMPLOYEE, "employee"), (CUSTOMER, "customer"), (CUSTOMER, "service")):
        as_role(subject, role)
        response = client.request(method, path, json=body)
        assert (response.status_code, response.json()["code"]) == (403, "forbidden")
    assert audit.rows == {} and services.calls == []


def test_list_filters_by_role_and_status(client: TestClient, services: FakeServices) -> None:
    gone = uuid.UUID(int=9)
    services.users[gone] = user(gone, ["employee"], "Gone") | {"status": "disabled"}
    ids = lambda **params: [u["id"] for u in client.get("/api/office/employees", params=params).json()["items"]]  # noqa: E731
    assert sorted(ids()) == sorted([str(EMPLOYEE), str(ADMIN), str(gone)])
    assert ids(role="admin") == [str(ADMIN)]
    assert sorted(ids(role="employee", status="active")) == sorted([str(EMPLOYEE), str(ADMIN)])
    assert ids(status="disabled") == [str(gone)]
    assert client.get("/api/office/employees", params={"role": "customer"}).json()["code"] == "validation_failed"


def test_role_change_is_audited_with_the_reason(client: TestClient, services: FakeServices,
                                                audit: FakeAuditLog) -> None:
    changed = client.post(f"/api/office/employees/{EMPLOYEE}/roles", json={"roles": ["admin", "employee"], **REASON})
    assert changed.status_code == 200, changed.text
    assert changed.json()["roles"] == ["admin", "employee"]
    assert ("set_employee_roles", (EMPLOYEE, str(ADMIN), ["admin", "employee"])) in services.calls
    entry = audit.latest()
    assert (entry["action"], entry["target_id"], entry["outcome"], entry["details"]) == \
        ("employee.roles", str(EMPLOYEE), "succeeded", {"reason": REASON["reason"], "roles": ["admin", "employee"]})


def test_an_admin_cannot_remove_their_own_admin_role(client: TestClient, audit: FakeAuditLog) -> None:
    refused = client.post(f"/api/office/employees/{ADMIN}/roles", json={"roles": ["employee"], **REASON})
    assert (refused.status_code, refused.json()["code"]) == (409, "cannot_remove_own_admin_role")
    assert (audit.latest()["outcome"], audit.latest()["code"]) == ("refused", "cannot_remove_own_admin_role")


def test_role_change_needs_a_reason_and_staff_roles(client: TestClient, services: FakeServices) -> None:
    path = f"/api/office/employees/{EMPLOYEE}/roles"
    for body in ({"roles": ["admin"]}, {"roles": ["customer"], **REASON}, {"roles": [], **REASON},
                 {"roles": ["admin"], "reason": "x"}):
        assert client.post(path, json=body).json()["code"] == "validation_failed", body
    assert services.calls == []


def test_deactivate_and_reactivate(client: TestClient, services: FakeServices, audit: FakeAuditLog) -> None:
    path = f"/api/office/employees/{EMPLOYEE}"
    assert client.post(f"{path}/deactivate", json=REASON).json()["status"] == "disabled"
    assert (audit.latest()["action"], audit.latest()["details"]) == ("employee.deactivate", REASON)
    assert client.post(f"{path}/reactivate", json={"reason": "вернулся"}).json()["status"] == "active"
    assert audit.latest()["action"] == "employee.reactivate"
    refused = client.post(f"/api/office/employees/{ADMIN}/deactivate", json=REASON)
    assert (refused.status_code, refused.json()["code"]) == (409, "cannot_deactivate_self")


def test_only_staff_are_employees(client: TestClient, services: FakeServices, audit: FakeAuditLog) -> None:
    for target in (CUSTOMER, uuid.uuid4()):
        response = client.post(f"/api/office/employees/{target}/deactivate", json=REASON)
        assert (response.status_code, response.json()["code"]) == (404, "employee_not_found")
        assert audit.latest()["outcome"] == "refused"
    assert not [name for name, _ in services.calls if name == "set_employee_active"]


def entry(audit: FakeAuditLog, action: str, when: datetime, *, actor: str = str(EMPLOYEE),
          target: str | None = None) -> None:
    audit.clock = when
    audit.start(NewEntry(actor, ["employee"], action, "customer", target, None))


@pytest.fixture
def history(audit: FakeAuditLog) -> FakeAuditLog:
    entry(audit, "customer.block", datetime(2026, 10, 1, 23, 59, tzinfo=UTC), target=str(CUSTOMER))
    entry(audit, "customer.kyc.edit", datetime(2026, 10, 2, 12, tzinfo=UTC), target=str(CUSTOMER))
    entry(audit, "card.block", datetime(2026, 10, 3, 0, 0, tzinfo=UTC), actor=str(ADMIN))
    entry(audit, "customers.odd", datetime(2026, 10, 4, tzinfo=UTC), target='=HYPERLINK("http://evil")')
    return audit


def actions(client: TestClient, **params: str) -> list[str]:
    response = client.get("/api/office/audit", params=params)
    assert response.status_code == 200, response.text
    return [item["action"] for item in response.json()["items"]]


def test_audit_filters(client: TestClient, history: FakeAuditLog) -> None:
    assert actions(client, action="customer") == ["customer.kyc.edit", "customer.block"]  # not customers.odd
    assert actions(client, action="customer.kyc.edit") == ["customer.kyc.edit"]
    assert actions(client, actor_id=str(ADMIN)) == ["card.block"]
    assert actions(client, target_id=str(CUSTOMER), date_from="2026-10-02") == ["customer.kyc.edit"]
    assert actions(client, date_from="2026-10-01", date_to="2026-10-02") == ["customer.kyc.edit", "customer.block"]
    assert actions(client, date_to="2026-10-01") == ["customer.block"]


@pytest.mark.parametrize(("params", "code"), [
    ({"date_from": "2026-10-02", "date_to": "2026-10-01"}, "invalid_audit_period"),
    ({"date_from": "2025-01-01", "date_to": "2026-10-01"}, "invalid_audit_period"),
    ({"date_from": "2026-13-01"}, "validation_failed"),
    ({"action": "DROP TABLE"}, "validation_failed"),
])
def test_bad_filters_are_422(client: TestClient, history: FakeAuditLog, params: dict[str, str], code: str) -> None:
    for path in ("/api/office/audit", "/api/office/audit/export"):
        response = client.get(path, params=params)
        assert (response.status_code, response.json()["code"]) == (422, code), path


def read_csv(content: bytes) -> list[list[str]]:
    text = content.decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:]), delimiter=";"))


def test_csv_export_holds_the_filtered_rows_only_and_is_audited(client: TestClient, history: FakeAuditLog) -> None:
    response = client.get("/api/office/audit/export", params={"target_id": str(CUSTOMER)})
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    assert "attachment" in response.headers["content-disposition"]
    rows = read_csv(response.content)
    assert rows[0][:4] == ["occurred_at", "actor_id", "actor_roles", "action"]
    assert [row[3] for row in rows[1:]] == ["customer.kyc.edit", "customer.block"]
    assert {row[5] for row in rows[1:]} == {str(CUSTOMER)}
    export = history.latest()
    assert (export["action"], export["actor_id"], export["details"]) == \
        ("audit.export", str(ADMIN), {"target_id": str(CUSTOMER)})


def test_csv_cells_cannot_be_formulas(client: TestClient, history: FakeAuditLog) -> None:
    rows = read_csv(client.get("/api/office/audit/export", params={"action": "customers"}).content)
    assert [row[5] for row in rows[1:]] == ["'=HYPERLINK(\"http://evil\")"]


def test_an_export_over_the_cap_is_refused(client: TestClient, history: FakeAuditLog,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OFFICE_AUDIT_EXPORT_MAX_ROWS", "2")
    get_office_settings.cache_clear()
    try:
        refused = client.get("/api/office/audit/export")
        assert (refused.status_code, refused.json()["code"]) == (422, "audit_export_too_large")
        assert (history.latest()["outcome"], history.latest()["code"]) == ("refused", "audit_export_too_large")
        assert len(read_csv(client.get("/api/office/audit/export", params={"action": "customer"}).content)) == 3
    finally:
        get_office_settings.cache_clear()
