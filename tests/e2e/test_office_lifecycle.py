"""The back office's customer lifecycle and search end to end through the gateway (issue 15 item 3): the
demo employee creates a customer with a Cyrillic name and finds them in any case, with or without ё, by phone in
another form, by account number and by card's last four; records their KYC data (the document number sealed at
rest, shown masked); blocks them with a reason (sign-in refused, the
open session revoked at once, refresh refused), unblocks them; the admin sees the reason in the audit log,
and the hash chain over office's audit log and approvals verifies."""

from __future__ import annotations

import uuid

import httpx
import psycopg

from tests.e2e.test_auth_flow import PASSWORD, WELCOME_SUBJECT, assert_problem, token_from, wait_for_mail
from tests.e2e.test_office import admin, employee, keyed, ok  # noqa: F401 - module fixtures reused
from tests.support.refresh_cookie import refresh_cookie
from tests.support.stack import bearer, database_url, run_function_module

CYRILLIC = "абвгджзклмнпрстф"


def marker() -> str:
    """A Cyrillic word of this test's own (no other customer's name contains it)."""
    return "".join(CYRILLIC[int(digit, 16)] for digit in uuid.uuid4().hex[:10])


def test_search_block_and_unblock_a_customer(http: httpx.Client, employee: dict[str, str],  # noqa: F811
                                             admin: dict[str, str]) -> None:  # noqa: F811
    word = marker()
    email = f"lifecycle-{uuid.uuid4().hex[:12]}@example.com"
    tail = f"{uuid.uuid4().int % 10**7:07d}"
    created = ok(http.post("/api/office/customers", headers=employee, json={
        "email": email, "full_name": f"Пётр Петрова {word}", "phone": f"+7 (912) {tail[:3]}-{tail[3:5]}-{tail[5:]}"}),
        201)
    customer_id = created["id"]
    for query in (f"Петрова {word}", f"петрова {word}", f"ПЕТРОВА {word.upper()}", f"Пётр Петрова {word}",
                  f"петр петрова {word}", f"8 912 {tail}", f"7912{tail}"):
        found = ok(http.get("/api/office/customers", headers=employee, params={"query": query}))
        assert customer_id in [item["id"] for item in found["items"]], query
    account = ok(http.post(f"/api/office/customers/{customer_id}/accounts", headers=keyed(employee),
                           json={"currency": "RUB"}), 201)
    card = ok(http.post(f"/api/office/accounts/{account['id']}/cards", headers=keyed(employee)), 201)
    for query in (account["number"], card["last4"]):
        found = ok(http.get("/api/office/customers", headers=employee, params={"query": query}))
        assert customer_id in [item["id"] for item in found["items"]], query

    kyc = {"legal_name": f"Петрова Анна {word}", "date_of_birth": "1990-05-17", "document_type": "passport_ru",
           "document_number": f"45 10 {tail[:6]}", "address": "Москва, ул. Тверская, 1"}
    saved = ok(http.put(f"/api/office/customers/{customer_id}/kyc", headers=employee, json=kyc))["kyc"]
    assert saved["document_number_masked"] == f"•••• {tail[2:6]}"
    shown = http.get(f"/api/office/customers/{customer_id}/kyc", headers=employee)
    assert ok(shown)["kyc"]["legal_name"] == kyc["legal_name"] and kyc["document_number"] not in shown.text
    with psycopg.connect(database_url("auth")) as db:
        stored = db.execute("SELECT document_number FROM customer_kyc WHERE user_id = %s", (customer_id,)).fetchone()
    assert stored is not None and tail[:6].encode() not in bytes(stored[0])  # sealed at rest

    reset = token_from(wait_for_mail(email, WELCOME_SUBJECT), "reset-password")
    assert http.post("/api/auth/password/reset", json={"token": reset, "password": PASSWORD}).status_code == 204
    signed_in = http.post("/api/auth/login", json={"email": email, "password": PASSWORD})
    session = {**signed_in.json(), "refresh_token": refresh_cookie(signed_in)}
    assert http.get("/api/auth/me", headers=bearer(session["access_token"])).status_code == 200

    path = f"/api/office/customers/{customer_id}"
    assert_problem(http.post(f"{path}/block", headers=employee, json={"reason": ""}), 422, "validation_failed")
    assert ok(http.post(f"{path}/block", headers=employee, json={"reason": "паспорт утерян"}))["status"] == "disabled"
    assert_problem(http.get("/api/auth/me", headers=bearer(session["access_token"])), 401, "session_revoked")
    assert_problem(http.post("/api/auth/refresh", json={"refresh_token": session["refresh_token"]}), 401,
                   "invalid_refresh_token")
    assert_problem(http.post("/api/auth/login", json={"email": email, "password": PASSWORD}), 403,
                   "account_not_active")

    assert ok(http.post(f"{path}/unblock", headers=employee, json={"reason": "паспорт найден"}))["status"] == "active"
    assert http.post("/api/auth/login", json={"email": email, "password": PASSWORD}).status_code == 200

    audit = ok(http.get("/api/office/audit", headers=admin, params={"target_id": customer_id}))["items"]
    block = next(item for item in audit if item["action"] == "customer.block")
    assert (block["details"], block["outcome"]) == ({"reason": "паспорт утерян"}, "succeeded")
    verified = run_function_module("office", "office_service.verify_audit")
    assert verified.returncode == 0, verified.stdout + verified.stderr
