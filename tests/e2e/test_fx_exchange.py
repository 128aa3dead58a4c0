"""Currency exchange end to end through the local API gateway with real logins: the employee tops up the
demo customer's USD account, the customer quotes and exchanges USD→EUR between their own accounts (and
again through the customer service), money is conserved per currency in the ledger's database (only the
FX position accounts take the other side), replays and reused quotes behave, and fx.exchanged reaches
Kafka. RUB (absent from the ECB set) is priced from the treasury's own rates: RUB→USD both ways in."""

from __future__ import annotations

import json
import time
import uuid
from decimal import ROUND_CEILING, ROUND_DOWN, ROUND_FLOOR, Decimal
from typing import Any

import httpx
import psycopg
from confluent_kafka import Consumer, TopicPartition

from tests.support.stack import cash_topup, database_url, demo_login, stack


def ledger_totals() -> dict[tuple[str, str], int]:
    """Per (currency, kind of account) sums of balances: customer accounts vs each system account kind."""
    with psycopg.connect(database_url("ledger")) as conn:
        rows = conn.execute(
            "SELECT currency, coalesce(split_part(system_code, ':', 1), 'customer') AS kind, sum(balance) "
            "FROM ledger_accounts WHERE currency IN ('USD', 'EUR', 'RUB') GROUP BY 1, 2").fetchall()
    return {(str(currency).strip(), str(kind)): int(total) for currency, kind, total in rows}


def minor(money: dict[str, str]) -> int:
    return int(Decimal(money["amount"]) * 100)


def end_offsets(consumer: Consumer, topic: str) -> list[TopicPartition]:
    metadata = consumer.list_topics(topic, timeout=10)
    partitions = []
    for partition in metadata.topics[topic].partitions:
        _, high = consumer.get_watermark_offsets(TopicPartition(topic, partition), timeout=10)
        partitions.append(TopicPartition(topic, partition, high))
    return partitions


def wait_for_events(consumer: Consumer, quote_ids: set[str], deadline: float) -> dict[str, dict[str, Any]]:
    found: dict[str, dict[str, Any]] = {}
    while time.monotonic() < deadline and set(found) != quote_ids:
        message = consumer.poll(0.5)
        if message is None or message.error():
            continue
        event = json.loads(message.value())
        if event.get("data", {}).get("quote_id") in quote_ids:
            found[event["data"]["quote_id"]] = event
    return found


def test_usd_to_eur_exchange_conserves_money_per_currency(http: httpx.Client) -> None:
    consumer = Consumer({"bootstrap.servers": str(stack()["kafka_bootstrap"]), "group.id": f"e2e-{uuid.uuid4()}",
                         "enable.auto.commit": False})
    consumer.assign(end_offsets(consumer, "fx.exchanged"))
    customer = demo_login(http, "customer")
    accounts = {a["currency"]: a for a in http.get("/api/accounts/my", headers=customer).json()["items"]
                if a["status"] == "active"}
    usd, eur, rub = accounts["USD"]["id"], accounts["EUR"]["id"], accounts["RUB"]["id"]
    before = ledger_totals()

    topup = cash_topup(http, usd, "50.00", "USD")
    assert topup.status_code == 201, topup.text

    quote = http.post("/api/fx/quotes", headers=customer,
                      json={"from_account_id": usd, "to_account_id": eur, "amount": "20.00", "currency": "USD"})
    assert quote.status_code == 201, quote.text
    quoted = quote.json()
    assert quoted["sell"] == {"amount": "20.00", "currency": "USD"} and quoted["spread_bps"] == 50
    assert Decimal(quoted["rate"]) < Decimal(quoted["mid_rate"])
    key = str(uuid.uuid4())
    first = http.post("/api/fx/exchange", headers={**customer, "Idempotency-Key": key},
                      json={"quote_id": quoted["id"]})
    assert first.status_code == 201, first.text
    assert first.json()["status"] == "executed" and first.json()["transaction_id"]
    replay = http.post("/api/fx/exchange", headers={**customer, "Idempotency-Key": key},
                       json={"quote_id": quoted["id"]})
    assert replay.status_code == 201 and replay.headers["Idempotent-Replayed"] == "true"
    reused = http.post("/api/fx/exchange", headers={**customer, "Idempotency-Key": str(uuid.uuid4())},
                       json={"quote_id": quoted["id"]})
    assert reused.status_code == 409 and reused.json()["code"] == "quote_already_used"

    # The same through the customer service: quote + execute in one call, buying a fixed EUR amount.
    via_customer = http.post("/api/customer/fx/exchange", headers={**customer, "Idempotency-Key": str(uuid.uuid4())},
                             json={"from_account_id": usd, "to_account_id": eur, "amount": "5.00",
                                   "currency": "EUR"})
    assert via_customer.status_code == 201, via_customer.text
    second = via_customer.json()
    assert second["buy"] == {"amount": "5.00", "currency": "EUR"} and second["fixed_side"] == "buy"

    after = ledger_totals()
    sold = minor(quoted["sell"]) + minor(second["sell"])
    bought = minor(quoted["buy"]) + minor(second["buy"])
    change = {k: after.get(k, 0) - before.get(k, 0) for k in set(after) | set(before)}
    for currency in ("USD", "EUR"):  # each currency still sums to zero: nothing created or lost
        assert sum(v for (c, _), v in after.items() if c == currency) == 0
    assert change[("USD", "customer")] == 50_00 - sold
    assert change[("USD", "cash")] == -50_00  # the top-up's other side
    assert change[("USD", "fx_position")] == sold
    assert change[("EUR", "customer")] == bought
    assert change[("EUR", "fx_position")] == -bought

    rub_eur = http.post("/api/fx/quotes", headers=customer,  # RUB is quoted now: the treasury's rates
                        json={"from_account_id": rub, "to_account_id": eur, "amount": "100.00", "currency": "RUB"})
    assert rub_eur.status_code == 201 and rub_eur.json()["rate_source"] == "treasury", rub_eur.text
    assert http.post("/api/fx/exchange", json={"quote_id": quoted["id"]},
                     headers={"Idempotency-Key": "x"}).status_code == 401

    events = wait_for_events(consumer, {quoted["id"], second["id"]}, time.monotonic() + 75)
    consumer.close()
    assert set(events) == {quoted["id"], second["id"]}, "fx.exchanged did not reach Kafka"
    data = events[quoted["id"]]["data"]
    assert (data["sell_amount"], data["buy_amount"], data["rate"]) == (
        quoted["sell"]["amount"], quoted["buy"]["amount"], quoted["rate"])


def rub_usd_price(mid: Decimal, spread_bps: int, amount_minor: int, fixed: str) -> tuple[int, int]:
    """The pricing rule, restated: rate = mid less the spread, truncated to 12 places; a fixed sell rounds the
    bought amount down, a fixed buy rounds the sold amount up (RUB and USD both have 2 decimals)."""
    rate = (mid * (10_000 - spread_bps) / 10_000).quantize(Decimal("1e-12"), rounding=ROUND_DOWN)
    if fixed == "sell":
        return amount_minor, int((amount_minor * rate).to_integral_value(ROUND_FLOOR))
    return int((amount_minor / rate).to_integral_value(ROUND_CEILING)), amount_minor


def test_rub_to_usd_exchange_through_the_treasury(http: httpx.Client) -> None:
    customer = demo_login(http, "customer")
    accounts = {a["currency"]: a for a in http.get("/api/accounts/my", headers=customer).json()["items"]
                if a["status"] == "active"}
    rub, usd = accounts["RUB"]["id"], accounts["USD"]["id"]
    rates = http.get("/api/fx/rates/latest", params={"base": "RUB", "symbols": "USD,GBP"}).json()
    assert rates["sources"] == {"USD": "treasury", "GBP": "treasury+frankfurter"}
    assert http.get("/api/fx/rates/latest", params={"base": "USD", "symbols": "RUB"}).json()["source"] == "treasury"
    before = ledger_totals()

    quote = http.post("/api/fx/quotes", headers=customer,
                      json={"from_account_id": rub, "to_account_id": usd, "amount": "1000.00", "currency": "RUB"})
    assert quote.status_code == 201, quote.text
    quoted = quote.json()
    assert quoted["rate_source"] == "treasury" and quoted["mid_rate"] == rates["rates"]["USD"]
    mid = Decimal(quoted["mid_rate"])
    assert (minor(quoted["sell"]), minor(quoted["buy"])) == rub_usd_price(mid, quoted["spread_bps"], 1000_00, "sell")
    done = http.post("/api/fx/exchange", headers={**customer, "Idempotency-Key": str(uuid.uuid4())},
                     json={"quote_id": quoted["id"]})
    assert done.status_code == 201 and done.json()["status"] == "executed", done.text

    # Buying a fixed USD amount with RUB through the customer service.
    bought = http.post("/api/customer/fx/exchange", headers={**customer, "Idempotency-Key": str(uuid.uuid4())},
                       json={"from_account_id": rub, "to_account_id": usd, "amount": "10.00", "currency": "USD"})
    assert bought.status_code == 201, bought.text
    second = bought.json()
    assert second["rate_source"] == "treasury" and second["buy"] == {"amount": "10.00", "currency": "USD"}
    assert (minor(second["sell"]), 10_00) == rub_usd_price(Decimal(second["mid_rate"]), second["spread_bps"], 10_00,
                                                           "buy")

    after = ledger_totals()
    change = {k: after.get(k, 0) - before.get(k, 0) for k in set(after) | set(before)}
    for currency in ("RUB", "USD"):  # over all ledger accounts, each currency still sums to zero
        assert sum(v for (c, _), v in after.items() if c == currency) == 0
    sold = minor(quoted["sell"]) + minor(second["sell"])
    got = minor(quoted["buy"]) + minor(second["buy"])
    assert change[("RUB", "customer")] == -sold and change[("RUB", "fx_position")] == sold
    assert change[("USD", "customer")] == got and change[("USD", "fx_position")] == -got
    # In the bank's favour: what the customer got is worth less than what they paid, at the treasury's rate.
    assert Decimal(got) / mid < Decimal(sold)
