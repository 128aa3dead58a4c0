"""Utilities unit tests (no network, no database): the provider rules, the HTTP surface's roles, keys and
validation, the saga's steps against fakes of the ledger and the repository-free parts, and the customer
service's delegation."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from bank_shared.auth import Principal, current_principal
from bank_shared.errors import AppError
from bank_shared.http import Answer
from customer_service import clients as customer_clients
from customer_service.api import app as customer_app
from tests.support.fakes.utilities import payment_of, provider_row
from utilities_service import service
from utilities_service.api import app
from utilities_service.repository import Provider

PROVIDER = Provider(**provider_row(min_amount=100, max_amount=10_000_000))
ALICE = uuid.uuid4()


def code(call: Any) -> str:
    with pytest.raises(AppError) as raised:
        call()
    return raised.value.code


def test_payer_account_and_amount_rules() -> None:
    assert service.check_payment(PROVIDER, "1234567890", "1234.56", "RUB") == 123456
    assert code(lambda: service.check_payment(PROVIDER, "123456789", "1.00", "RUB")) == "invalid_payer_account"
    assert code(lambda: service.check_payment(PROVIDER, "12345678901", "1.00", "RUB")) == "invalid_payer_account"
    assert code(lambda: service.check_payment(PROVIDER, "12345abcde", "1.00", "RUB")) == "invalid_payer_account"
    assert code(lambda: service.check_payment(PROVIDER, "1234567890", "0.99", "RUB")) == "amount_out_of_range"
    assert code(lambda: service.check_payment(PROVIDER, "1234567890", "100000.01", "RUB")) == "amount_out_of_range"
    assert code(lambda: service.check_payment(PROVIDER, "1234567890", "1.001", "RUB")) == "invalid_amount"
    assert code(lambda: service.check_payment(PROVIDER, "1234567890", "1.00", "USD")) == "currency_mismatch"


class FakeLedger:
    def __init__(self, hold: Answer | None = None, capture: Answer | None = None) -> None:
        from bank_shared.http import Answer

        self.calls: list[tuple[str, str]] = []
        self.hold_answer = Answer(201, {"id": str(uuid.uuid4())})
        self.capture_answer = Answer(201, {"transaction_id": str(uuid.uuid4())})
        self.void_answer = Answer(200, {})

    def hold(self, key: str, body: dict[str, Any]) -> Any:
        self.calls.append(("hold", key))
        return self.hold_answer

    def capture(self, key: str, hold_id: uuid.UUID, body: dict[str, Any]) -> Any:
        self.calls.append(("capture", key))
        return self.capture_answer

    def void(self, key: str, hold_id: uuid.UUID) -> Any:
        self.calls.append(("void", key))
        return self.void_answer

    def ensure_settlement_account(self, account_id: uuid.UUID, owner_id: uuid.UUID, currency: str) -> None:
        self.calls.append(("settlement_account", str(account_id)))


def test_finished_payment_is_replayed_without_ledger_calls() -> None:
    ledger = FakeLedger()
    payment = payment_of(status="completed", result_status=201, result_body={"id": "x"})
    result = service.advance(lambda: None, payment, ledger, 600)  # type: ignore[arg-type, return-value]
    assert result.replayed and result.status == 201 and ledger.calls == []


def test_ledger_in_flight_answer_leaves_the_payment_for_a_retry() -> None:
    from bank_shared.http import Answer

    ledger = FakeLedger()
    ledger.hold_answer = Answer(409, {"code": "idempotency_request_in_flight"})
    payment = payment_of(status="pending", payer_account="1")
    assert code(lambda: service.advance(lambda: None, payment, ledger, 600)) == (  # type: ignore[arg-type, return-value]
        "idempotency_request_in_flight")
    assert ledger.calls == [("hold", f"utility-hold-{payment.id}")]


def test_the_providers_settlement_account_is_ensured_before_the_capture() -> None:
    ledger, provider_account = FakeLedger(), uuid.uuid4()
    payment = payment_of(status="held", hold_id=uuid.uuid4(), payer_account="1",
                         provider_ledger_account_id=provider_account)
    finished: list[Any] = []

    class Done(Exception):
        pass

    def stop_at_finish(*args: Any) -> Any:
        finished.append(args)
        raise Done

    original, service._finish = service._finish, stop_at_finish  # type: ignore[assignment]
    try:
        with pytest.raises(Done):
            service.advance(lambda: None, payment, ledger, 600)  # type: ignore[arg-type, return-value]
    finally:
        service._finish = original  # type: ignore[assignment]
    assert ledger.calls == [("settlement_account", str(provider_account)),
                            ("capture", f"utility-capture-{payment.id}")]


def test_a_settlement_account_is_registered_once_per_process_and_a_refusal_is_asked_again() -> None:
    from bank_shared.http import Answer
    from utilities_service.clients import HttpLedger

    answers = [Answer(409, {"code": "currency_mismatch"}), Answer(201, {}), Answer(200, {})]
    asked: list[uuid.UUID] = []
    ledger = HttpLedger.__new__(HttpLedger)
    ledger._settlement_accounts = set()

    def register(account_id: uuid.UUID, owner_id: uuid.UUID, currency: str) -> Answer:
        asked.append(account_id)
        return answers.pop(0)

    ledger.register_account = register  # type: ignore[method-assign]
    account = uuid.uuid4()
    for _ in range(4):
        ledger.ensure_settlement_account(account, uuid.uuid4(), "RUB")
    assert asked == [account, account]  # refused once (asked again), then registered and never asked again


@pytest.fixture
def client() -> Iterator[TestClient]:
    app.dependency_overrides[current_principal] = lambda: Principal(str(ALICE), frozenset({"customer"}),
                                                                    frozenset(), {})
    try:
        yield TestClient(app, raise_server_exceptions=False)
    finally:
        app.dependency_overrides.pop(current_principal, None)


def test_pay_requires_a_key_and_valid_fields(client: TestClient) -> None:
    body = {"provider_id": str(uuid.uuid4()), "payer_account": "1234567890", "from_account_id": str(uuid.uuid4()),
            "amount": "10.00"}
    assert client.post("/api/utilities/pay", json=body).json()["code"] == "idempotency_key_missing"
    bad = client.post("/api/utilities/pay", json={**body, "amount": "1e3"}, headers={"Idempotency-Key": "k"})
    assert bad.status_code == 422 and bad.json()["code"] == "validation_failed"
    other = client.post("/api/utilities/pay", json={**body, "payer_id": str(uuid.uuid4())},
                        headers={"Idempotency-Key": "k"})
    assert other.status_code == 403
    assert client.get("/api/utilities/providers", params={"cursor": "!!"}).json()["code"] == "invalid_cursor"
    assert client.get("/api/utilities/providers", params={"category": "phone"}).status_code == 422


def test_staff_have_no_payments(client: TestClient) -> None:
    app.dependency_overrides[current_principal] = lambda: Principal("e", frozenset({"employee"}), frozenset(), {})
    assert client.get("/api/utilities/payments").status_code == 403


class FakeCustomerServices:
    def __init__(self) -> None:
        self.calls: list[tuple[str, dict[str, Any]]] = []

    def utility_pay(self, key: str, body: dict[str, Any]) -> Answer:
        self.calls.append((key, body))
        return Answer(422, {"status": 422, "code": "invalid_payer_account"}, replayed=True)


def test_customer_delegates_to_utilities_with_the_callers_identity() -> None:
    fake = FakeCustomerServices()
    customer_clients.set_services(fake)  # type: ignore[arg-type]
    customer_app.dependency_overrides[current_principal] = lambda: Principal(str(ALICE), frozenset({"customer"}),
                                                                             frozenset(), {})
    try:
        http = TestClient(customer_app, raise_server_exceptions=False)
        body = {"provider_id": str(uuid.uuid4()), "payer_account": " 12 ", "from_account_id": str(uuid.uuid4()),
                "amount": "10.00"}
        assert http.post("/api/customer/utilities/pay", json=body).json()["code"] == "idempotency_key_missing"
        response = http.post("/api/customer/utilities/pay", json=body, headers={"Idempotency-Key": "k1"})
        assert response.status_code == 422 and response.headers["Idempotent-Replayed"] == "true"
        assert response.headers["content-type"].startswith("application/problem+json")
        assert fake.calls == [("k1", {"payer_id": str(ALICE), "provider_id": body["provider_id"], "payer_account": "12",
                                      "from_account_id": body["from_account_id"], "amount": "10.00",
                                      "currency": "RUB"})]
    finally:
        customer_clients.set_services(None)
        customer_app.dependency_overrides.pop(current_principal, None)
