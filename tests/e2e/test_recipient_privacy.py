"""F11 through the local API gateway: a customer cannot use P2P transfers to find out who banks here. From an
account without the money, a known and an unknown phone get the same answer (the funds are checked first);
with money, recipient lookups are limited per customer (429 once the hourly budget is spent)."""

from __future__ import annotations

import uuid

import httpx

from tests.e2e.test_auth_flow import PASSWORD, register_and_activate, unique_email
from tests.e2e.test_customer import problem
from tests.support.stack import cash_topup, gateway_url, login

LOOKUPS_PER_HOUR = 30  # customer's RECIPIENT_LOOKUP_LIMIT default "30/3600"
KNOWN_PHONE = "+7 999 123-45-67"  # every customer register_and_activate creates has it


def test_an_empty_account_cannot_tell_known_from_unknown_and_lookups_run_out(http: httpx.Client) -> None:
    email = unique_email("prober")
    with httpx.Client(base_url=f"{gateway_url()}/api", timeout=30) as api:
        register_and_activate(api, email)  # also makes KNOWN_PHONE a customer's phone
    prober = login(http, email, PASSWORD)
    opened = http.post("/api/accounts/open", headers={**prober, "Idempotency-Key": str(uuid.uuid4())},
                       json={"currency": "RUB"})
    assert opened.status_code == 201, opened.text
    account = opened.json()["id"]

    def transfer(phone: str) -> httpx.Response:
        return http.post("/api/customer/transfer", headers={**prober, "Idempotency-Key": str(uuid.uuid4())},
                         json={"from_account_id": account, "to_phone": phone, "amount": "1.00", "currency": "RUB"})

    known = problem(transfer(KNOWN_PHONE), 422, "insufficient_funds")
    unknown = problem(transfer("+1 555 010 0000"), 422, "insufficient_funds")
    assert {k: v for k, v in known.items() if k != "detail"} == {k: v for k, v in unknown.items() if k != "detail"}

    assert cash_topup(http, account, "100.00", "RUB").status_code == 201
    for attempt in range(LOOKUPS_PER_HOUR):
        problem(transfer(f"+1 555 {attempt:03d} 0000"), 404, "recipient_not_found")
    limited = transfer(KNOWN_PHONE)
    problem(limited, 429, "rate_limited")
    assert int(limited.headers["Retry-After"]) > 0
