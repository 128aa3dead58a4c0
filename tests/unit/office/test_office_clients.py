"""office's clients: every call invokes the target function as office (its own service identity, never an
employee's token); actions name the employee in X-Acting-Employee, lookups do not; what counts as an outage."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from bank_shared.errors import DependencyUnavailable
from bank_shared.http import ServiceResponse, answer_of
from office_service.clients import HttpServices
from tests.support.invoke import in_process

EMPLOYEE = str(uuid.UUID(int=7))


def created(_event: dict[str, Any], _context: Any) -> dict[str, Any]:
    return {"statusCode": 201, "headers": {"content-type": "application/json", "idempotent-replayed": "true"},
            "body": '{"ok": true}'}


def test_lookups_and_money_as_office_and_account_actions_for_the_employee() -> None:
    invoker, fake = in_process("office", {"auth": created, "accounts": created, "ledger": created})
    services = HttpServices(invoker)
    services.customer_accounts(uuid.UUID(int=1))
    services.create_customer({"email": "a@example.com"})
    answer = services.execute_topup("office-request:1", {"account_id": "a"})
    services.reverse_transaction("office-request:2", uuid.UUID(int=3), {"description": "x"})
    services.set_card_blocked(EMPLOYEE, uuid.UUID(int=2), True)
    services.open_account(EMPLOYEE, "k-2", {"currency": "RUB"})
    names = [name for name, _ in fake.events]
    events = [event for _, event in fake.events]
    assert names == ["bank-local-accounts", "bank-local-auth", "bank-local-ledger", "bank-local-ledger",
                     "bank-local-accounts", "bank-local-accounts"]
    assert [e["rawPath"] for e in events] == [
        "/api/accounts/internal/accounts", "/api/auth/internal/customers", "/api/ledger/internal/topups",
        f"/api/ledger/internal/transactions/{uuid.UUID(int=3)}/reversal",
        f"/api/accounts/cards/{uuid.UUID(int=2)}/block", "/api/accounts/open"]
    assert {e["requestContext"]["authorizer"]["jwt"]["claims"]["sub"] for e in events} == {"office"}
    assert all("authorization" not in e["headers"] for e in events)
    # Money names maker and checker in the body (office's maker-checker decided); account actions the employee.
    assert [e["headers"].get("x-acting-employee") for e in events] == [None, None, None, None, EMPLOYEE, EMPLOYEE]
    assert events[0]["queryStringParameters"]["include"] == "balances,cards"
    assert events[2]["headers"]["idempotency-key"] == "office-request:1" and answer.replayed
    assert events[3]["headers"]["idempotency-key"] == "office-request:2"
    assert events[5]["headers"]["idempotency-key"] == "k-2"


@pytest.mark.parametrize(("status", "outage"), [
    (500, True), (503, True), (403, True), (401, True), (404, False), (422, False), (409, False),
])
def test_what_is_an_outage(status: int, outage: bool) -> None:
    response = ServiceResponse(status, {}, b'{"code": "x"}')
    if outage:
        with pytest.raises(DependencyUnavailable):
            answer_of(response, "accounts")
    else:
        assert answer_of(response, "accounts").status == status
