# ruff: noqa: RUF001 - Russian document text (Cyrillic letters are intended)
"""The customer's documents: receipts and requisites as PDFs that read back, statements (PDF, CSV) stored in the
statements bucket behind a presigned link; someone else's account or operation is not found."""

from __future__ import annotations

import io
import os
import uuid
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlparse
from uuid import UUID

import pytest
from customer_fakes import ALICE, BOB, FakeServices
from fastapi.testclient import TestClient
from pypdf import PdfReader

from bank_shared.auth import Principal, current_principal
from customer_service.api import app
from customer_service.settings import get_customer_settings

BUCKET = "test-statements"


def pdf_text(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


@pytest.fixture
def client(services: FakeServices) -> Iterator[TestClient]:
    app.dependency_overrides[current_principal] = lambda: Principal(str(ALICE), frozenset({"customer"}),
                                                                    frozenset(), {})
    try:
        yield TestClient(app, raise_server_exceptions=False)
    finally:
        app.dependency_overrides.pop(current_principal, None)


@pytest.fixture
def s3(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    from moto import mock_aws

    from bank_shared.aws import client as aws_client
    from bank_shared.aws import reset_clients

    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)
    monkeypatch.setenv("STATEMENTS_BUCKET", BUCKET)
    os.environ.setdefault("AWS_ACCESS_KEY_ID", "testing")
    os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "testing")
    get_customer_settings.cache_clear()
    with mock_aws():
        reset_clients()
        s3 = aws_client("s3")
        s3.create_bucket(Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": "eu-central-1"})
        yield s3
        reset_clients()
    get_customer_settings.cache_clear()


def a_transfer(services: FakeServices) -> UUID:
    transaction_id = uuid.uuid4()
    alice, bob = services.account_of(ALICE, "RUB"), services.account_of(BOB, "RUB")
    services.transactions[transaction_id] = {
        "id": str(transaction_id), "type": "transfer", "description": "За обед", "created_at": "2026-12-03T08:00:00Z",
        "reversed_by": None, "postings": [
            {"account_id": alice["id"], "direction": "debit", "amount": {"amount": "1250.50", "currency": "RUB"}},
            {"account_id": bob["id"], "direction": "credit", "amount": {"amount": "1250.50", "currency": "RUB"}}],
        "counterparties": {alice["id"]: {"kind": "person", "name": "Bob B."},
                           bob["id"]: {"kind": "person", "name": "Alice S."}}}
    return transaction_id


def test_a_receipt_of_an_own_operation(client: TestClient, services: FakeServices) -> None:
    transaction_id = a_transfer(services)
    answer = client.get(f"/api/customer/operations/{transaction_id}/receipt.pdf")
    assert answer.status_code == 200 and answer.headers["content-type"] == "application/pdf"
    text = pdf_text(answer.content)
    for expected in ("Квитанция об операции", "Перевод", str(transaction_id), "03.12.2026 11:00:00", "4" * 20,
                     "•• 6666", "1 250,50 ₽", "0,00 ₽", "За обед", "БИК 044525999", "Контрагент", "Bob B."):
        assert expected in text, expected
    assert "Alice S." not in text  # bug: the other side's view of the operation
    assert "6" * 20 not in text  # the recipient's number stays masked
    english = pdf_text(client.get(f"/api/customer/operations/{transaction_id}/receipt.pdf?lang=en").content)
    assert "Operation receipt" in english and "Transfer" in english


def test_someone_elses_or_an_unknown_operation_is_not_found(client: TestClient, services: FakeServices) -> None:
    transaction_id = a_transfer(services)
    services.transactions[transaction_id]["postings"][0]["account_id"] = services.account_of(BOB, "RUB")["id"]
    for unknown in (transaction_id, uuid.uuid4()):
        answer = client.get(f"/api/customer/operations/{unknown}/receipt.pdf")
        assert answer.status_code == 404 and answer.json()["code"] == "operation_not_found"


def test_requisites_on_screen_and_as_pdf(client: TestClient, services: FakeServices,
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    account = services.account_of(ALICE, "RUB")
    shown = client.get(f"/api/customer/accounts/{account['id']}/requisites").json()
    assert shown["account_number"] == "4" * 20 and shown["holder"] == "Alice Smith"
    assert (shown["bic"], shown["correspondent_account"], shown["inn"], shown["kpp"]) == (
        "044525999", "30101810400000000999", "7700000999", "770001001")
    pdf = client.get(f"/api/customer/accounts/{account['id']}/requisites.pdf")
    text = pdf_text(pdf.content)
    assert "Реквизиты счёта" in text and "Alice Smith" in text and "30101810400000000999" in text
    bob = services.account_of(BOB, "RUB")
    refused = client.get(f"/api/customer/accounts/{bob['id']}/requisites")
    assert refused.status_code == 404 and refused.json()["code"] == "account_not_found"


def test_the_bank_details_come_from_configuration(monkeypatch: pytest.MonkeyPatch) -> None:
    from bank_shared.bank_details import BankDetails

    monkeypatch.setenv("BANK_BIC", "044525111")
    assert BankDetails().bic == "044525111"


def postings(services: FakeServices) -> None:
    account = services.account_of(ALICE, "RUB")["id"]
    services.postings = [
        {"transaction_id": "t1", "account_id": account, "type": "topup", "direction": "credit",
         "amount": {"amount": "5000.00", "currency": "RUB"}, "description": "", "created_at": "2026-11-01T10:00:00Z",
         "counterparty": {"kind": "cash_desk"}},
        {"transaction_id": "t2", "account_id": account, "type": "transfer", "direction": "debit",
         "amount": {"amount": "1250.50", "currency": "RUB"}, "description": "За обед",
         "created_at": "2026-11-15T10:00:00Z", "counterparty": {"kind": "person", "name": "Иван И."}},
        {"transaction_id": "t3", "account_id": account, "type": "transfer", "direction": "debit",
         "amount": {"amount": "1.00", "currency": "RUB"}, "description": "later", "created_at": "2026-12-02T10:00:00Z"},
    ]


def statement(client: TestClient, services: FakeServices, **changes: str) -> Any:
    body = {"account_id": services.account_of(ALICE, "RUB")["id"], "from": "2026-11-01", "to": "2026-11-30",
            **changes}
    return client.post("/api/customer/statements", json=body)


def stored(s3: Any, link: dict[str, Any]) -> bytes:
    key = urlparse(link["url"]).path.lstrip("/").removeprefix(f"{BUCKET}/")
    body: bytes = s3.get_object(Bucket=BUCKET, Key=key)["Body"].read()
    return body


def test_a_pdf_statement_for_a_period(client: TestClient, services: FakeServices, s3: Any) -> None:
    postings(services)
    answer = statement(client, services)
    assert answer.status_code == 201, answer.text
    link = answer.json()
    assert link["operations"] == 2 and link["expires_in"] == 300 and "X-Amz-Signature" in link["url"]
    assert link["filename"] == f"statement-{'4' * 20}-20261101-20261130.pdf"
    text = pdf_text(stored(s3, link))
    for expected in ("Выписка по счёту", "01.11.2026 — 30.11.2026", "+5 000,00 ₽", "−1 250,50 ₽", "За обед",
                     "Контрагент", "Иван И.", "Касса банка"):
        assert expected in text, expected
    assert "later" not in text
    assert ("account_postings", (UUID(services.account_of(ALICE, "RUB")["id"]), "2026-11-01", "2026-12-01")) \
        in services.calls


def test_a_csv_statement(client: TestClient, services: FakeServices, s3: Any) -> None:
    postings(services)
    services.postings[0]["description"] = "=1+2"  # typed by someone: shown as text, never run as a formula
    link = statement(client, services, format="csv").json()
    lines = stored(s3, link).decode("utf-8-sig").splitlines()
    assert lines[0].startswith("created_at;transaction_id;type")
    assert lines[0].endswith(";description;counterparty")
    assert lines[1].endswith(";5000.00;RUB;'=1+2;Касса банка")
    assert lines[2] == "2026-11-15T10:00:00Z;t2;Перевод;debit;-1250.50;RUB;За обед;Иван И."


def test_statement_refusals(client: TestClient, services: FakeServices, s3: Any) -> None:
    backwards = statement(client, services, **{"from": "2026-12-01", "to": "2026-11-01"})
    assert backwards.status_code == 422 and backwards.json()["code"] == "invalid_period"
    too_long = statement(client, services, **{"from": "2020-01-01", "to": "2026-11-01"})
    assert too_long.json()["code"] == "invalid_period"
    bob = statement(client, services, account_id=services.account_of(BOB, "RUB")["id"])
    assert bob.status_code == 404 and bob.json()["code"] == "account_not_found"
