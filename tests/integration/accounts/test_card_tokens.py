"""Card-number tokens on the real stack: a card issued through the gateway stores a 64-hex KMS HMAC token, and
accounts' own use case (in this process, with accounts' environment: its database, LocalStack KMS, Kafka)
gives the same PAN the same token, which the unique constraint turns into "draw another number"."""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator

import httpx
import psycopg
import pytest

from accounts_service.numbers import luhn_digit
from tests.support.stack import bearer, database_url, function_env, gateway_url, mint_token


def open_account(client: httpx.Client, owner: str) -> str:
    response = client.post("/api/accounts/open", json={"currency": "RUB"},
                           headers={**bearer(mint_token(owner)), "Idempotency-Key": str(uuid.uuid4())})
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


def stored_token(card_id: str) -> str:
    with psycopg.connect(database_url("accounts"), autocommit=True) as conn:
        row = conn.execute("SELECT pan_token FROM cards WHERE id = %s", (card_id,)).fetchone()
    assert row is not None
    return str(row[0])


@pytest.fixture(scope="module")
def client() -> Iterator[httpx.Client]:
    with httpx.Client(base_url=gateway_url(), timeout=30) as http:
        yield http


@pytest.fixture
def accounts_env(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """This process configured as the accounts function is (and reset afterwards)."""
    from accounts_service.settings import get_accounts_settings
    from bank_shared.aws import reset_clients
    from bank_shared.db import close_connection
    from bank_shared.settings import get_settings

    def reset() -> None:
        get_settings.cache_clear()
        get_accounts_settings.cache_clear()
        reset_clients()
        close_connection()

    for name, value in function_env("AccountsFunction").items():
        monkeypatch.setenv(name, value)
    reset()
    yield
    reset()


def test_a_card_issued_through_the_gateway_stores_a_kms_hmac_token(client: httpx.Client) -> None:
    owner = str(uuid.uuid4())
    account = open_account(client, owner)
    issued = client.post(f"/api/accounts/{account}/cards",
                         headers={**bearer(mint_token(owner)), "Idempotency-Key": str(uuid.uuid4())})
    assert issued.status_code == 201, issued.text
    card = issued.json()
    assert "pan" not in card and re.fullmatch(r"[0-9]{4}", card["last4"])
    assert re.fullmatch(r"[0-9a-f]{64}", stored_token(card["id"]))


def random_pan() -> str:
    body = "220099" + f"{uuid.uuid4().int % 10**9:09d}"
    return body + str(luhn_digit(body))


def test_the_same_pan_gets_the_same_token_and_a_repeat_draws_another_number(
        client: httpx.Client, accounts_env: None, monkeypatch: pytest.MonkeyPatch) -> None:
    from accounts_service import service
    from accounts_service.card_tokens import pan_token
    from bank_shared.auth import Principal

    owner = str(uuid.uuid4())
    account = uuid.UUID(open_account(client, owner))
    pan, other = random_pan(), random_pan()
    assert pan_token(pan) == pan_token(pan) != pan_token(other)  # LocalStack KMS, accounts' key

    drawn = iter([pan, pan, other])
    monkeypatch.setattr(service, "new_pan", lambda _bin: next(drawn))
    principal = Principal(subject=owner, roles=frozenset({"customer"}), scopes=frozenset(), claims={})
    first = service.issue_card(principal, str(uuid.uuid4()), account)
    second = service.issue_card(principal, str(uuid.uuid4()), account)  # draws `pan` again: taken, so `other`
    assert first.status == second.status == 201
    assert stored_token(first.body["id"]) == pan_token(pan)
    assert stored_token(second.body["id"]) == pan_token(other)
    assert (first.body["last4"], second.body["last4"]) == (pan[-4:], other[-4:])
