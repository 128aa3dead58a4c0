"""F2 and F10 through the gateway, as found by fuzzing: a NUL (and any other control character) is a 422
problem on every route that used to answer 500/503 with it, and amounts written in non-ASCII digits move
no money (they used to: Arabic-Indic "10" moved 10.00, full-width "1.00" moved 1.00)."""

from __future__ import annotations

import uuid
from typing import Any

import httpx
import pytest

from tests.support.users import StackUser, create_users, session_headers

ARABIC_TEN = "\u0661\u0660"
FULL_WIDTH_ONE = "\uff11.\uff10\uff10"


@pytest.fixture(scope="module")
def api(http: httpx.Client) -> httpx.Client:
    return http  # the tier's gateway client (tests/e2e/conftest.py)


@pytest.fixture(scope="module")
def people(api: httpx.Client) -> dict[str, dict[str, str]]:
    customers = create_users(2, ("customer",), "f2")
    admin = create_users(1, ("admin", "employee"), "f2-admin")[0]
    users: dict[str, StackUser] = {"alice": customers[0], "bob": customers[1], "admin": admin}
    return {name: session_headers(api, user) for name, user in users.items()}


def key() -> dict[str, str]:
    return {"Idempotency-Key": str(uuid.uuid4())}


def assert_control_character_refused(response: httpx.Response) -> None:
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == "application/problem+json"
    body = response.json()
    assert body["code"] == "validation_failed"
    assert body["errors"][0]["type"] == "string_control_character"


@pytest.mark.parametrize("path", ["/api/office/customers", "/api/office/employees", "/api/office/audit"])
@pytest.mark.parametrize("value", ["%00", "a%00b", "%1B%5B2J"])
def test_staff_searches_refuse_control_characters(api: httpx.Client, people: dict[str, dict[str, str]],
                                                  path: str, value: str) -> None:
    assert_control_character_refused(api.get(f"{path}?query={value}", headers=people["admin"]))


def test_register_refuses_a_nul_in_the_name(api: httpx.Client) -> None:
    response = api.post("/api/auth/register", json={"email": f"nul-{uuid.uuid4().hex[:8]}@example.com",
                                                    "password": "Correct-horse-42", "full_name": "Ann\u0000"})
    assert_control_character_refused(response)


def test_office_create_customer_refuses_a_nul(api: httpx.Client, people: dict[str, dict[str, str]]) -> None:
    response = api.post("/api/office/customers", headers=people["admin"],
                        json={"email": f"nul-{uuid.uuid4().hex[:8]}@example.com", "full_name": "Bob\u0000"})
    assert_control_character_refused(response)


def test_contracts_create_refuses_a_nul(api: httpx.Client, people: dict[str, dict[str, str]]) -> None:
    response = api.post("/api/contracts/contracts", headers={**people["admin"], **key()},
                        json={"template_code": "bank_account\u0000", "customer_id": str(uuid.uuid4()),
                              "parameters": {}})
    assert_control_character_refused(response)


def _open_rub(api: httpx.Client, headers: dict[str, str]) -> dict[str, Any]:
    opened = api.post("/api/accounts/open", headers={**headers, **key()}, json={"currency": "RUB"})
    assert opened.status_code == 201, opened.text
    answer: dict[str, Any] = opened.json()
    return answer


def _balance(api: httpx.Client, headers: dict[str, str], account_id: str) -> str:
    mine = api.get("/api/accounts/my", headers=headers).json()["items"]
    return str(next(item for item in mine if item["id"] == account_id)["balance"]["amount"])


@pytest.fixture(scope="module")
def funded(api: httpx.Client, people: dict[str, dict[str, str]]) -> tuple[dict[str, Any], dict[str, Any]]:
    alice, bob = _open_rub(api, people["alice"]), _open_rub(api, people["bob"])
    topup = api.post(f"/api/office/accounts/{alice['id']}/topup", headers={**people["admin"], **key()},
                     json={"amount": "100.00", "currency": "RUB", "description": "f10"})
    assert topup.status_code == 201, topup.text
    return alice, bob


def test_a_transfer_description_with_a_nul_is_refused(api: httpx.Client, people: dict[str, dict[str, str]],
                                                      funded: tuple[dict[str, Any], dict[str, Any]]) -> None:
    alice, bob = funded
    response = api.post("/api/customer/transfer", headers={**people["alice"], **key()},
                        json={"from_account_id": alice["id"], "to_account_number": bob["number"], "amount": "1.00",
                              "currency": "RUB", "description": "rent\u0000"})
    assert_control_character_refused(response)
    assert _balance(api, people["alice"], alice["id"]) == "100.00"


@pytest.mark.parametrize("amount", [ARABIC_TEN, FULL_WIDTH_ONE, "1\u0660.00"])
def test_amounts_in_non_ascii_digits_move_no_money(api: httpx.Client, people: dict[str, dict[str, str]],
                                                   funded: tuple[dict[str, Any], dict[str, Any]],
                                                   amount: str) -> None:
    alice, bob = funded
    by_number = api.post("/api/customer/transfer", headers={**people["alice"], **key()},
                         json={"from_account_id": alice["id"], "to_account_number": bob["number"],
                               "amount": amount, "currency": "RUB"})
    direct = api.post("/api/ledger/transfer", headers={**people["alice"], **key()},
                      json={"from_account_id": alice["id"], "to_account_id": bob["id"], "amount": amount,
                            "currency": "RUB"})
    topup = api.post(f"/api/office/accounts/{bob['id']}/topup", headers={**people["admin"], **key()},
                     json={"amount": amount, "currency": "RUB"})
    for response in (by_number, direct, topup):
        assert response.status_code == 422, response.text
        assert response.json()["code"] == "validation_failed"
    assert _balance(api, people["alice"], alice["id"]) == "100.00"
    assert _balance(api, people["bob"], bob["id"]) == "0.00"
