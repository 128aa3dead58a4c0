"""office's HTTP clients: which token each call carries, where it goes, and what counts as an outage."""

from __future__ import annotations

import uuid

import httpx
import pytest

from bank_shared.errors import DependencyUnavailable
from bank_shared.http import answer_of
from office_service.clients import HttpServices


def recording() -> tuple[HttpServices, list[httpx.Request]]:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(201, json={"ok": True}, headers={"Idempotent-Replayed": "true"})

    client = httpx.Client(base_url="http://gateway", transport=httpx.MockTransport(handler))
    return HttpServices(token=lambda: "office-service-token", client=client), seen


def test_lookups_and_money_use_the_service_token_and_account_actions_the_employees() -> None:
    services, seen = recording()
    services.customer_accounts(uuid.UUID(int=1))
    services.create_customer({"email": "a@example.com"})
    answer = services.execute_topup("office-request:1", {"account_id": "a"})
    services.reverse_transaction("office-request:2", uuid.UUID(int=3), {"description": "x"})
    services.set_card_blocked("employee-token", uuid.UUID(int=2), True)
    assert [r.headers["Authorization"] for r in seen] == ["Bearer office-service-token"] * 4 + \
        ["Bearer employee-token"]
    assert [r.url.path for r in seen] == ["/api/accounts/internal/accounts", "/api/auth/internal/customers",
                                          "/api/ledger/internal/topups",
                                          f"/api/ledger/internal/transactions/{uuid.UUID(int=3)}/reversal",
                                          f"/api/accounts/cards/{uuid.UUID(int=2)}/block"]
    assert seen[0].url.params.get_list("include") == ["balances", "cards"]
    assert seen[2].headers["Idempotency-Key"] == "office-request:1" and answer.replayed
    assert seen[3].headers["Idempotency-Key"] == "office-request:2"


@pytest.mark.parametrize(("status", "relayed", "outage"), [
    (500, True, True), (503, False, True), (403, False, True), (401, False, True),
    (403, True, False), (404, True, False), (422, False, False),
])
def test_what_is_an_outage(status: int, relayed: bool, outage: bool) -> None:
    response = httpx.Response(status, json={"code": "x"})
    if outage:
        with pytest.raises(DependencyUnavailable):
            answer_of(response, "accounts", relayed_token=relayed)
    else:
        assert answer_of(response, "accounts", relayed_token=relayed).status == status
