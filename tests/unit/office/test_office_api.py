"""The HTTP surface of office: roles, audit of every action, Idempotency-Key, the employee office acts for
named downstream, downstream answers passed through, outages as 503."""

from __future__ import annotations

import uuid

from fastapi.testclient import TestClient
from office_fakes import ADMIN, CUSTOMER, EMPLOYEE, FakeAuditLog, FakeServices, as_role

from bank_shared.http import Answer


def key() -> dict[str, str]:
    return {"Idempotency-Key": str(uuid.uuid4())}


def test_customers_and_services_are_refused(client: TestClient, audit: FakeAuditLog) -> None:
    for roles in (("customer",), ("service",)):
        as_role(CUSTOMER, *roles)
        assert client.get("/api/office/customers").status_code == 403
        new = {"email": "x@example.com", "full_name": "X"}
        assert client.post("/api/office/customers", json=new).status_code == 403
        assert client.post(f"/api/office/accounts/{uuid.uuid4()}/topup", headers=key(),
                           json={"amount": "1.00", "currency": "RUB"}).status_code == 403
    assert audit.rows == {}


def test_create_customer_is_audited_with_the_new_id(client: TestClient, services: FakeServices,
                                                     audit: FakeAuditLog) -> None:
    response = client.post("/api/office/customers", headers={"X-Request-Id": "req-1"},
                           json={"email": "new@example.com", "full_name": "New Customer", "phone": "+7 900 000-00-01"})
    assert response.status_code == 201, response.text
    entry = audit.latest()
    assert (entry["action"], entry["actor_id"], entry["outcome"], entry["status"]) == \
        ("customer.create", str(EMPLOYEE), "succeeded", 201)
    assert entry["target_id"] == response.json()["id"] and entry["request_id"] == "req-1"
    assert entry["details"] == {"email": "new@example.com"}


def test_taken_email_passes_through_as_problem(client: TestClient, services: FakeServices,
                                               audit: FakeAuditLog) -> None:
    services.scripted["create_customer"] = Answer(409, {"status": 409, "code": "email_taken", "title": "Taken"})
    response = client.post("/api/office/customers", json={"email": "a@example.com", "full_name": "A"})
    assert response.status_code == 409 and response.json()["code"] == "email_taken"
    assert response.headers["content-type"].startswith("application/problem+json")
    assert (audit.latest()["outcome"], audit.latest()["code"]) == ("refused", "email_taken")


def test_customer_card_and_search(client: TestClient, services: FakeServices) -> None:
    opened = client.post(f"/api/office/customers/{CUSTOMER}/accounts", headers=key(), json={"currency": "RUB"})
    assert opened.status_code == 201, opened.text
    card = client.get(f"/api/office/customers/{CUSTOMER}").json()
    assert card["profile"]["full_name"] == "Alice" and [a["id"] for a in card["accounts"]] == [opened.json()["id"]]
    found = client.get("/api/office/customers", params={"query": "alice"}).json()
    assert [u["id"] for u in found["items"]] == [str(CUSTOMER)] and found["next_cursor"] is None
    assert client.get(f"/api/office/customers/{EMPLOYEE}").json()["code"] == "customer_not_found"
    assert client.get(f"/api/office/customers/{uuid.uuid4()}").status_code == 404


def test_search_by_account_number_or_card_last_four_finds_the_owner(client: TestClient,
                                                                     services: FakeServices) -> None:
    opened = client.post(f"/api/office/customers/{CUSTOMER}/accounts", headers=key(), json={"currency": "RUB"})
    services.accounts[0]["cards"] = [{"last4": "4242"}]
    number = opened.json()["number"]
    for query in (number, f"{number[:5]} {number[5:10]}-{number[10:]}", "4242"):
        found = client.get("/api/office/customers", params={"query": query}).json()
        assert [u["id"] for u in found["items"]] == [str(CUSTOMER)], query
    assert client.get("/api/office/customers", params={"query": "4243"}).json()["items"] == []
    assert [args for name, args in services.calls if name == "find_accounts"][-1] == (None, "4243")
    client.get("/api/office/customers", params={"query": "Анна"})
    assert [name for name, _ in services.calls][-1] == "search_users"  # a name never asks accounts


def test_block_and_unblock_a_customer_with_a_reason(client: TestClient, services: FakeServices,
                                                    audit: FakeAuditLog) -> None:
    path = f"/api/office/customers/{CUSTOMER}"
    assert client.post(f"{path}/block", json={}).status_code == 422  # no reason, no block
    blocked = client.post(f"{path}/block", json={"reason": "lost passport reported"})
    assert blocked.status_code == 200 and blocked.json()["status"] == "disabled"
    entry = audit.latest()
    assert (entry["action"], entry["target_id"], entry["details"]) == \
        ("customer.block", str(CUSTOMER), {"reason": "lost passport reported"})
    assert client.post(f"{path}/unblock", json={"reason": "passport found"}).json()["status"] == "active"
    assert audit.latest()["action"] == "customer.unblock"
    assert client.post(f"/api/office/customers/{EMPLOYEE}/block",
                       json={"reason": "not a customer"}).json()["code"] == "customer_not_found"
    assert ("set_customer_blocked", (EMPLOYEE, True)) not in services.calls


def test_kyc_is_edited_with_audit_and_shown_masked(client: TestClient, services: FakeServices,
                                                  audit: FakeAuditLog) -> None:
    path = f"/api/office/customers/{CUSTOMER}/kyc"
    assert client.get(path).json() == {"kyc": None}
    kyc = {"legal_name": "Петрова Анна Сергеевна", "date_of_birth": "1990-05-17", "document_type": "passport_ru",
           "document_number": "4510 123456", "address": "Москва, ул. Тверская, 1"}
    assert client.put(path, json={**kyc, "document_type": "library_card"}).status_code == 422
    saved = client.put(path, json=kyc)
    assert saved.status_code == 200, saved.text
    assert saved.json()["kyc"]["document_number_masked"] == "•••• 3456" and "4510 123456" not in saved.text
    entry = audit.latest()
    assert (entry["action"], entry["details"]) == \
        ("customer.kyc.edit", {"fields": sorted(kyc)})  # which fields, never their values
    assert "123456" not in str(audit.latest())
    assert client.get(path).json()["kyc"]["legal_name"] == kyc["legal_name"]
    assert client.put(f"/api/office/customers/{EMPLOYEE}/kyc", json=kyc).json()["code"] == "customer_not_found"


def test_open_account_names_the_employee_and_passes_the_key(client: TestClient, services: FakeServices,
                                                      audit: FakeAuditLog) -> None:
    assert client.post(f"/api/office/customers/{CUSTOMER}/accounts",
                       json={"currency": "RUB"}).json()["code"] == "idempotency_key_missing"
    headers = key()
    assert client.post(f"/api/office/customers/{CUSTOMER}/accounts", headers=headers,
                       json={"currency": "USD", "product_code": "savings"}).status_code == 201
    employee, sent_key, body = next(args for name, args in services.calls if name == "open_account")
    assert (employee, sent_key) == (str(EMPLOYEE), headers["Idempotency-Key"])
    assert body == {"product_code": "savings", "currency": "USD", "owner_id": str(CUSTOMER)}
    entry = audit.latest()
    assert (entry["action"], entry["target_id"], entry["idempotency_key"]) == \
        ("account.open", str(CUSTOMER), headers["Idempotency-Key"])


def test_accounts_are_opened_only_for_customers(client: TestClient, services: FakeServices,
                                                audit: FakeAuditLog) -> None:
    response = client.post(f"/api/office/customers/{EMPLOYEE}/accounts", headers=key(), json={"currency": "RUB"})
    assert response.status_code == 404 and response.json()["code"] == "customer_not_found"
    assert not any(name == "open_account" for name, _ in services.calls)
    assert (audit.latest()["outcome"], audit.latest()["code"]) == ("refused", "customer_not_found")


def test_replays_and_refusals_pass_through(client: TestClient, services: FakeServices, audit: FakeAuditLog) -> None:
    account_id = uuid.uuid4()
    services.scripted["issue_card"] = Answer(201, {"id": "c"}, replayed=True)
    headers = key()
    replay = client.post(f"/api/office/accounts/{account_id}/cards", headers=headers)
    assert replay.status_code == 201 and replay.headers["Idempotent-Replayed"] == "true"
    assert audit.latest()["replayed"] is True and audit.latest()["idempotency_key"] == headers["Idempotency-Key"]
    _, passed_key, passed_account = next(args for name, args in services.calls if name == "issue_card")
    assert (passed_key, passed_account) == (headers["Idempotency-Key"], account_id)

    services.scripted["issue_card"] = Answer(409, {"status": 409, "code": "account_closed",
                                                   "instance": f"/api/accounts/{account_id}/cards"})
    refused = client.post(f"/api/office/accounts/{account_id}/cards", headers=key())
    assert refused.status_code == 409 and refused.json()["code"] == "account_closed"
    # F13: the relayed problem names the route the employee called, not the one office called
    assert refused.json()["instance"] == f"/api/office/accounts/{account_id}/cards"
    bad = client.post(f"/api/office/accounts/{account_id}/topup", headers=key(), json={"amount": "1.5e3",
                                                                                      "currency": "RUB"})
    assert bad.status_code == 422 and bad.json()["code"] == "validation_failed"


def test_an_outage_is_503_and_audited_as_failed(client: TestClient, services: FakeServices,
                                                audit: FakeAuditLog) -> None:
    services.down = {"accounts"}
    response = client.post(f"/api/office/accounts/{uuid.uuid4()}/cards", headers=key())
    assert response.status_code == 503 and response.json()["code"] == "dependency_unavailable"
    assert (audit.latest()["action"], audit.latest()["outcome"]) == ("card.issue", "failed")


def test_a_done_action_stays_done_when_its_audit_entry_cannot_be_completed(
        client: TestClient, audit: FakeAuditLog) -> None:
    audit.fail_finish = True
    response = client.post(f"/api/office/cards/{uuid.uuid4()}/block")
    assert response.status_code == 200 and response.json()["status"] == "blocked"
    assert audit.latest()["outcome"] == "pending"


def test_card_close_unblock(client: TestClient, audit: FakeAuditLog) -> None:
    card_id, account_id = uuid.uuid4(), uuid.uuid4()
    assert client.post(f"/api/office/cards/{card_id}/unblock").json()["status"] == "active"
    assert client.post(f"/api/office/accounts/{account_id}/close").json()["status"] == "closed"
    assert [r.action for r in audit.page(None, 10)] == ["account.close", "card.unblock"]


def test_staff_administration_is_for_admins(client: TestClient, services: FakeServices,
                                            audit: FakeAuditLog) -> None:
    new = {"email": "staff@example.com", "password": "Long-enough-pass-1", "full_name": "Staff"}
    assert client.get("/api/office/employees").status_code == 403
    assert client.post("/api/office/employees", json=new).status_code == 403
    assert client.get("/api/office/audit").status_code == 403
    as_role(ADMIN, "admin")
    assert [u["id"] for u in client.get("/api/office/employees").json()["items"]] == [str(EMPLOYEE)]
    created = client.post("/api/office/employees", json=new)
    assert created.status_code == 201 and created.json()["roles"] == ["employee"]
    sent = next(args for name, args in services.calls if name == "create_employee")
    assert sent["password"] == new["password"]
    assert "password" not in str(audit.latest()["details"]) and audit.latest()["action"] == "employee.create"


def test_audit_pages_newest_first(client: TestClient, audit: FakeAuditLog) -> None:
    for _ in range(5):
        client.post(f"/api/office/cards/{uuid.uuid4()}/block")
    as_role(ADMIN, "admin")
    first = client.get("/api/office/audit", params={"limit": 3}).json()
    assert len(first["items"]) == 3 and first["next_cursor"]
    second = client.get("/api/office/audit", params={"limit": 3, "cursor": first["next_cursor"]}).json()
    assert len(second["items"]) == 2 and second["next_cursor"] is None
    times = [e["occurred_at"] for e in first["items"] + second["items"]]
    assert times == sorted(times, reverse=True) and len(set(times)) == 5
    assert client.get("/api/office/audit", params={"cursor": "!!"}).json()["code"] == "invalid_cursor"
    only = client.get("/api/office/audit", params={"actor_id": str(ADMIN)}).json()
    assert only["items"] == []
