"""Issue 14 item 6 through the local API gateway: the counterparty of every operation in the history feed. Two
fresh customers transfer by phone; each one's feed names the other by the masked name only, the cash deposit
names the bank's cash desk, the receipt names the caller's counterparty, and the feed's search (`q`) finds the
transfer by the counterparty's name — its wildcards escaped — while a third customer finds nothing."""

from __future__ import annotations

import random
import uuid
from typing import Any

import httpx

from tests.e2e.test_payments_documents import customer_with_phone, open_rub, pdf_text
from tests.support.stack import cash_topup


def national() -> str:
    return f"9{random.randrange(10**8, 10**9)}"


def feed(http: httpx.Client, who: dict[str, str], **query: str) -> list[dict[str, Any]]:
    answer = http.get("/api/ledger/transactions", headers=who, params={"limit": "50", **query})
    assert answer.status_code == 200, answer.text
    items: list[dict[str, Any]] = answer.json()["items"]
    return items


def test_each_side_sees_the_others_masked_name_and_finds_it_by_search(http: httpx.Client) -> None:
    sender_phone, recipient_phone = national(), national()
    sender = customer_with_phone(http, "Иванов Иван Петрович", f"+7 {sender_phone}")
    recipient = customer_with_phone(http, "Лебедева Ольга Игоревна", f"+7 {recipient_phone}")
    outsider = customer_with_phone(http, "Кузнецов Пётр Ильич", f"+7 {national()}")
    source = open_rub(http, sender)
    open_rub(http, recipient)
    open_rub(http, outsider)
    assert cash_topup(http, source, "500.00", "RUB").status_code == 201
    paid = http.post("/api/customer/transfer", headers={**sender, "Idempotency-Key": str(uuid.uuid4())},
                     json={"from_account_id": source, "to_phone": recipient_phone, "amount": "75.00",
                           "currency": "RUB", "description": "Подарок 100%"})
    assert paid.status_code == 201, paid.text
    operation = paid.json()["transaction_id"]

    sent, deposit = feed(http, sender)
    assert (sent["transaction_id"], sent["direction"]) == (operation, "debit")
    assert sent["counterparty"] == {"kind": "person", "name": "Ольга Л."}
    assert deposit["type"] == "topup" and deposit["counterparty"] == {"kind": "cash_desk", "name": None}
    [received] = feed(http, recipient)
    assert (received["transaction_id"], received["direction"]) == (operation, "credit")
    assert received["counterparty"] == {"kind": "person", "name": "Иван И."}
    seen = http.get("/api/ledger/transactions", headers=recipient).text + paid.text
    assert "Иванов" not in seen and "Петрович" not in seen and sender_phone not in seen  # never the full data

    assert [i["transaction_id"] for i in feed(http, recipient, q="Иван")] == [operation]
    assert [i["transaction_id"] for i in feed(http, sender, q="Ольга")] == [operation]
    assert feed(http, recipient, q="Ольга") == []  # each side's own counterparty, not the other's
    # The text matches literally: "%" only the message with a "%" (not the deposit too), "_" nothing.
    assert [i["transaction_id"] for i in feed(http, sender, q="%")] == [operation]  # bug: wildcards unescaped
    assert feed(http, sender, q="_") == []
    assert feed(http, outsider, q="Иван") == [] and feed(http, outsider, q="Ольга") == []

    receipt = http.get(f"/api/customer/operations/{operation}/receipt.pdf", headers=recipient)
    assert receipt.status_code == 200
    text = pdf_text(receipt.content)
    assert "Контрагент" in text and "Иван И." in text and "Ольга Л." not in text
