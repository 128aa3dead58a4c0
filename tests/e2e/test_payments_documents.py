# ruff: noqa: RUF001 - Russian names and document text (Cyrillic letters are intended)
"""Issue 14 items 3, 4 and 6 through the local API gateway: the transfer's confirm step finds a recipient by a
phone typed in another usual form and shows only the masked name; the operation's receipt PDF is the parties'
own; requisites; a statement stored in the (LocalStack) statements bucket and fetched through its link."""

from __future__ import annotations

import io
import random
import uuid

import httpx
from pypdf import PdfReader

from tests.e2e.test_auth_flow import (
    ACTIVATION_SUBJECT,
    PASSWORD,
    register_and_activate,
    token_from,
    unique_email,
    wait_for_mail,
)
from tests.support.stack import cash_topup, gateway_url, login


def pdf_text(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def customer_with_phone(http: httpx.Client, full_name: str, phone: str) -> dict[str, str]:
    email = unique_email("payee")
    registered = http.post("/api/auth/register", json={"email": email, "password": PASSWORD, "full_name": full_name,
                                                        "phone": phone})
    assert registered.status_code == 202, registered.text
    token = token_from(wait_for_mail(email, ACTIVATION_SUBJECT), "activate")
    assert http.post("/api/auth/activate", json={"token": token}).status_code == 200
    return login(http, email, PASSWORD)


def open_rub(http: httpx.Client, who: dict[str, str]) -> str:
    opened = http.post("/api/accounts/open", headers={**who, "Idempotency-Key": str(uuid.uuid4())},
                       json={"currency": "RUB"})
    assert opened.status_code == 201, opened.text
    return str(opened.json()["id"])


def test_confirm_receipt_requisites_and_statement(http: httpx.Client) -> None:
    national = f"9{random.randrange(10**8, 10**9)}"
    payee = customer_with_phone(http, "Сидоров Пётр Ильич", f"8 ({national[:3]}) {national[3:6]}-{national[6:]}")
    payee_account = open_rub(http, payee)
    email = unique_email("payer")
    with httpx.Client(base_url=f"{gateway_url()}/api", timeout=30) as api:
        register_and_activate(api, email)
    payer = login(http, email, PASSWORD)
    account = open_rub(http, payer)
    assert cash_topup(http, account, "500.00", "RUB").status_code == 201

    order = {"from_account_id": account, "to_phone": f"+7 {national}", "amount": "120.50", "currency": "RUB",
             "description": "За обед"}
    shown = http.post("/api/customer/transfer/preview", headers=payer, json=order)
    assert shown.status_code == 200, shown.text
    assert shown.json()["recipient"]["name"] == "Пётр С."
    assert shown.json()["fee"] == {"amount": "0.00", "currency": "RUB"}
    paid = http.post("/api/customer/transfer", headers={**payer, "Idempotency-Key": str(uuid.uuid4())},
                     json={**order, "to_phone": national})
    assert paid.status_code == 201, paid.text
    operation = paid.json()["transaction_id"]

    receipt = http.get(f"/api/customer/operations/{operation}/receipt.pdf", headers=payer)
    assert receipt.status_code == 200 and receipt.headers["content-type"] == "application/pdf"
    text = pdf_text(receipt.content)
    assert "Квитанция об операции" in text and "120,50" in text and operation in text and "За обед" in text
    assert http.get(f"/api/customer/operations/{operation}/receipt.pdf", headers=payee).status_code == 200
    outsider = customer_with_phone(http, "Outsider Person", f"+1 555 {random.randrange(10**6, 10**7)}")
    refused = http.get(f"/api/customer/operations/{operation}/receipt.pdf", headers=outsider)
    assert refused.status_code == 404 and refused.json()["code"] == "operation_not_found"

    requisites = http.get(f"/api/customer/accounts/{payee_account}/requisites", headers=payee).json()
    assert requisites["holder"] == "Сидоров Пётр Ильич" and len(requisites["account_number"]) == 20

    link = http.post("/api/customer/statements", headers=payer,
                     json={"account_id": account, "from": "2026-01-01", "to": "2030-12-31", "format": "pdf"})
    assert link.status_code == 422 and link.json()["code"] == "invalid_period"
    link = http.post("/api/customer/statements", headers=payer,
                     json={"account_id": account, "from": "2026-01-01", "to": "2026-12-31", "format": "csv"})
    assert link.status_code == 201, link.text
    stored = httpx.get(link.json()["url"], timeout=30)
    assert stored.status_code == 200
    lines = stored.content.decode("utf-8-sig").splitlines()
    assert len(lines) == 3 and lines[2].endswith(";-120.50;RUB;За обед;Пётр С.")
    assert lines[1].endswith(";Касса банка")  # the counterparty column (docs/money.md#counterparty)
