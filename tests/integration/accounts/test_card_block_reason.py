"""A card blocked with a reason through the local gateway (issue 14): the reason is stored and shown, one outside
the list is a 422, a card reported stolen stays blocked for its owner (409 `card_block_final`) while staff may
unblock it; a card blocked as suspicious its owner unblocks."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import httpx
import pytest

from tests.support.stack import bearer, gateway_url, mint_token


@pytest.fixture(scope="module")
def client() -> Iterator[httpx.Client]:
    with httpx.Client(base_url=gateway_url(), timeout=15) as http:
        yield http


def new_card(client: httpx.Client, headers: dict[str, str]) -> str:
    account = client.post("/api/accounts/open", headers={**headers, "Idempotency-Key": str(uuid.uuid4())},
                          json={"currency": "RUB"})
    assert account.status_code == 201, account.text
    issued = client.post(f"/api/accounts/{account.json()['id']}/cards",
                         headers={**headers, "Idempotency-Key": str(uuid.uuid4())})
    assert issued.status_code == 201, issued.text
    return str(issued.json()["id"])


def test_a_stolen_card_stays_blocked_for_its_owner_and_staff_may_unblock(client: httpx.Client) -> None:
    owner = bearer(mint_token(str(uuid.uuid4())))
    card = new_card(client, owner)
    assert client.post(f"/api/accounts/cards/{card}/block", headers=owner,
                       json={"reason": "misplaced"}).status_code == 422
    blocked = client.post(f"/api/accounts/cards/{card}/block", headers=owner, json={"reason": "stolen"})
    assert blocked.status_code == 200 and (blocked.json()["status"], blocked.json()["block_reason"]) == ("blocked",
                                                                                                         "stolen")
    refused = client.post(f"/api/accounts/cards/{card}/unblock", headers=owner)
    assert refused.status_code == 409 and refused.json()["code"] == "card_block_final"
    staff = bearer(mint_token(roles=("employee",)))
    unblocked = client.post(f"/api/accounts/cards/{card}/unblock", headers=staff)
    assert unblocked.status_code == 200 and unblocked.json()["block_reason"] is None


def test_a_card_blocked_as_suspicious_is_unblocked_by_its_owner(client: httpx.Client) -> None:
    owner = bearer(mint_token(str(uuid.uuid4())))
    card = new_card(client, owner)
    assert client.post(f"/api/accounts/cards/{card}/block", headers=owner,
                       json={"reason": "suspicious"}).json()["block_reason"] == "suspicious"
    unblocked = client.post(f"/api/accounts/cards/{card}/unblock", headers=owner)
    assert unblocked.status_code == 200 and unblocked.json()["status"] == "active"
