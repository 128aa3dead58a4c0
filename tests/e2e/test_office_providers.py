"""ЖКХ provider administration end to end through the local API gateway (issue 15 item 4): an employee cannot
add a provider; an admin adds one (its ledger settlement account opened before the provider exists, the answer
replayed for the same Idempotency-Key); a customer of this test pays it and the settlement account receives
the money with RUB still summing to zero; the admin deactivates it (payments refused with provider_inactive,
customers no longer see it, the payment history stays) and reactivates it; every change reaches Kafka as
utility.provider_changed."""

from __future__ import annotations

import json
import random
import time
import uuid
from typing import Any

import httpx
import psycopg
from confluent_kafka import Consumer

from tests.e2e.test_customer import problem
from tests.e2e.test_office import keyed, ok
from tests.e2e.test_office_approvals import new_customer_account, staff
from tests.e2e.test_utilities import end_offsets, ledger_balance, rub_total
from tests.support.stack import database_url, stack


def new_provider(code: str) -> dict[str, Any]:
    return {"code": code, "name": f"Тепло {code[-6:]}", "category": "heating",
            "inn": "".join(random.choice("0123456789") for _ in range(10)),
            "payer_account": {"label": "Лицевой счёт", "pattern": "^[0-9]{6}$", "hint": "6 цифр"},
            "min_amount": "1.00", "max_amount": "20000.00", "reason": "new heating company in the district"}


def ledger_account(account_id: str) -> dict[str, Any] | None:
    with psycopg.connect(database_url("ledger")) as conn:
        row = conn.execute("SELECT kind, owner_id, currency FROM ledger_accounts WHERE id = %s",
                           (account_id,)).fetchone()
    return None if row is None else {"kind": row[0], "owner_id": str(row[1]), "currency": row[2]}


def provider_ledger_id(provider_id: str) -> str:
    with psycopg.connect(database_url("utilities")) as conn:
        row = conn.execute("SELECT ledger_account_id FROM providers WHERE id = %s", (provider_id,)).fetchone()
    assert row is not None
    return str(row[0])


def changes(consumer: Consumer, provider_id: str, want: int, deadline: float) -> list[str]:
    seen: list[str] = []
    while time.monotonic() < deadline and len(seen) < want:
        message = consumer.poll(0.5)
        if message is None or message.error():
            continue
        data = json.loads(message.value()).get("data", {})
        if data.get("provider_id") == provider_id:
            seen.append(data["action"])
    return seen


def pay(http: httpx.Client, customer: dict[str, str], provider_id: str, account: str, amount: str) -> httpx.Response:
    return http.post("/api/utilities/pay", headers=keyed(customer), json={
        "provider_id": provider_id, "payer_account": "123456", "from_account_id": account, "amount": amount})


def test_admin_adds_a_provider_a_customer_pays_it_and_deactivation_stops_payments(http: httpx.Client) -> None:
    consumer = Consumer({"bootstrap.servers": str(stack()["kafka_bootstrap"]), "group.id": f"e2e-{uuid.uuid4()}",
                         "enable.auto.commit": False})
    consumer.assign(end_offsets(consumer, "utility.provider_changed"))
    admin, employee = staff("admin"), staff("employee")
    body = new_provider(f"e2e_{uuid.uuid4().hex[:12]}")

    problem(http.post("/api/utilities/providers", headers=keyed(employee), json=body), 403, "forbidden")
    create = keyed(admin)
    provider = ok(http.post("/api/utilities/providers", headers=create, json=body), 201)
    assert provider["active"] is True and provider["settlement_account"].startswith("407028109")
    replay = http.post("/api/utilities/providers", headers=create, json=body)
    assert replay.status_code == 201 and replay.headers["Idempotent-Replayed"] == "true"
    assert replay.json() == provider
    problem(http.post("/api/utilities/providers", headers=keyed(admin), json=body), 409, "provider_code_taken")
    settlement = provider_ledger_id(provider["id"])
    assert ledger_account(settlement) == {"kind": "customer", "owner_id": provider["id"], "currency": "RUB"}

    customer, account = new_customer_account(http)
    ok(http.post(f"/api/office/accounts/{account}/topup", headers=keyed(employee),
                 json={"amount": "500.00", "currency": "RUB", "description": "cash for the heating bill"}), 201)
    before_total = rub_total()
    paid = pay(http, customer, provider["id"], account, "123.45")
    assert paid.status_code == 201 and paid.json()["status"] == "completed", paid.text
    assert ledger_balance(settlement) == 12345
    assert rub_total() == before_total == 0, "RUB does not sum to zero over the ledger"

    off = ok(http.patch(f"/api/utilities/providers/{provider['id']}", headers=admin,
                        json={"active": False, "reason": "contract with the provider ended"}))
    assert off["active"] is False
    problem(pay(http, customer, provider["id"], account, "10.00"), 422, "provider_inactive")
    problem(http.get(f"/api/utilities/providers/{provider['id']}", headers=customer), 404, "provider_not_found")
    assert ok(http.get(f"/api/utilities/providers/{provider['id']}", headers=employee))["active"] is False
    listed = ok(http.get("/api/utilities/providers", headers=customer, params={"limit": 100}))["items"]
    assert provider["id"] not in {p["id"] for p in listed}
    history = ok(http.get("/api/utilities/payments", headers=customer))["items"]
    assert [p["provider"]["id"] for p in history] == [provider["id"]]  # the history stays
    assert ledger_balance(settlement) == 12345

    problem(http.patch(f"/api/utilities/providers/{provider['id']}", headers=employee,
                       json={"active": True, "reason": "try"}), 403, "forbidden")
    edited = ok(http.patch(f"/api/utilities/providers/{provider['id']}", headers=admin,
                           json={"active": True, "max_amount": "100.00", "reason": "contract renewed, lower cap"}))
    assert edited["active"] is True and edited["max_amount"] == {"amount": "100.00", "currency": "RUB"}
    problem(pay(http, customer, provider["id"], account, "150.00"), 422, "amount_out_of_range")

    actions = changes(consumer, provider["id"], 3, time.monotonic() + 60)
    consumer.close()
    assert actions == ["created", "deactivated", "reactivated"]
