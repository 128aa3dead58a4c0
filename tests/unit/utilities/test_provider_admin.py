"""Provider administration, fast tier: validation of new and changed providers, the ledger call before any
write, an inactive provider refusing a payment, and who may ask for inactive providers."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from bank_shared.auth import Principal, current_principal
from bank_shared.errors import AppError, DependencyUnavailable
from tests.support.fakes.utilities import provider_row
from utilities_service import providers, service
from utilities_service.api import app

NEW = {"code": "teplo_plus", "name": "Тепло Плюс", "category": "heating", "inn": "7701234567",
       "payer_account": {"label": "Лицевой счёт", "pattern": "^[0-9]{6}$", "hint": "6 цифр"},
       "min_amount": "1.00", "max_amount": "50000.00"}


def code(call: Any) -> str:
    with pytest.raises(AppError) as raised:
        call()
    return raised.value.code


class Result:
    def __init__(self, row: dict[str, Any] | None) -> None:
        self.row = row

    def fetchone(self) -> dict[str, Any] | None:
        return self.row


class FakeConnection:
    """Answers every query with `row` and records the SQL it was asked."""

    def __init__(self, row: dict[str, Any] | None = None) -> None:
        self.row, self.sql = row, []  # type: list[str]

    def execute(self, sql: str, params: Any = None) -> Result:
        self.sql.append(sql)
        return Result(None if sql.startswith("SELECT request_hash") else self.row)


class FakeUow:
    def __init__(self, connection: FakeConnection) -> None:
        self.connection = connection

    def __enter__(self) -> FakeUow:
        return self

    def __exit__(self, *exc: object) -> None:
        return None


class RefusingLedger:
    def __init__(self) -> None:
        self.opened: list[uuid.UUID] = []

    def open_settlement_account(self, account_id: uuid.UUID, owner_id: uuid.UUID, currency: str) -> None:
        self.opened.append(account_id)
        raise DependencyUnavailable("the ledger is down", dependency="ledger")


def test_pattern_and_amount_rules() -> None:
    assert providers.check_pattern("^[0-9]{6}$") == "^[0-9]{6}$"
    assert code(lambda: providers.check_pattern("[0-9")) == "invalid_payer_account_pattern"
    assert code(lambda: providers.check_amounts(0, 100)) == "invalid_amount_range"
    assert code(lambda: providers.check_amounts(200, 100)) == "invalid_amount_range"
    providers.check_amounts(100, 100)
    fields = providers.provider_fields({**NEW, "currency": "RUB"}, "RUB")
    assert fields["min_amount"] == 100 and fields["max_amount"] == 5_000_000
    assert fields["payer_account_pattern"] == "^[0-9]{6}$" and "payer_account" not in fields


def test_no_provider_is_written_when_the_ledger_refuses_its_settlement_account() -> None:
    connection, ledger = FakeConnection(), RefusingLedger()
    actor = providers.Actor("admin-1", None)
    new_uow: Any = lambda: FakeUow(connection)  # noqa: E731
    assert code(lambda: providers.create_provider(new_uow, ledger, actor, "k1", {**NEW, "currency": "RUB"})) == (
        "dependency_unavailable")
    assert len(ledger.opened) == 1 and not any("INSERT" in sql for sql in connection.sql)
    # the same key derives the same ledger account (a retry opens the same one); another key another one
    for key in ("k1", "k2"):
        with pytest.raises(DependencyUnavailable):
            providers.create_provider(new_uow, ledger, actor, key, {**NEW, "currency": "RUB"})
    assert ledger.opened[0] == ledger.opened[1] != ledger.opened[2]


def test_an_inactive_provider_refuses_a_payment_and_an_unknown_one_is_not_found() -> None:
    row = provider_row(name="Тепло Плюс", active=False)
    assert code(lambda: service._payable_provider(FakeUow(FakeConnection(row)), row["id"])) == (  # type: ignore[arg-type]
        "provider_inactive")
    assert code(lambda: service._payable_provider(FakeUow(FakeConnection(None)), row["id"])) == (  # type: ignore[arg-type]
        "provider_not_found")
    assert code(lambda: service.get_provider(FakeUow(FakeConnection(row)), row["id"])) == (  # type: ignore[arg-type]
        "provider_not_found")


def test_a_change_that_changes_nothing_is_refused() -> None:
    current = provider_row(name="Тепло Плюс")
    uow: Any = FakeUow(FakeConnection(current))
    actor = providers.Actor("admin-1", "same name")
    assert code(lambda: providers.update_provider(uow, actor, current["id"], {"name": "Тепло Плюс"})) == (
        "nothing_to_change")


@pytest.fixture
def as_role() -> Iterator[Any]:
    def use(role: str) -> TestClient:
        app.dependency_overrides[current_principal] = lambda: Principal(str(uuid.uuid4()), frozenset({role}),
                                                                        frozenset(), {})
        return TestClient(app, raise_server_exceptions=False)

    try:
        yield use
    finally:
        app.dependency_overrides.pop(current_principal, None)


def test_admin_routes_validate_before_any_database_work(as_role: Any) -> None:
    admin = as_role("admin")
    url = "/api/utilities/providers"
    assert admin.post(url, json=NEW).json()["code"] == "idempotency_key_missing"
    key = {"Idempotency-Key": "k"}
    for bad in ({"inn": "12"}, {"code": "Bad Code"}, {"category": "phone"}, {"min_amount": "1e3"}, {"name": " "}):
        answer = admin.post(url, json={**NEW, **bad}, headers=key)
        assert answer.status_code == 422 and answer.json()["code"] == "validation_failed", bad
    pattern = admin.post(url, json={**NEW, "payer_account": {**NEW["payer_account"], "pattern": "(["}}, headers=key)
    assert pattern.status_code == 422 and pattern.json()["code"] == "invalid_payer_account_pattern"
    amounts = admin.post(url, json={**NEW, "min_amount": "10.00", "max_amount": "5.00"}, headers=key)
    assert amounts.status_code == 422 and amounts.json()["code"] == "invalid_amount_range"
    no_reason = admin.patch(f"{url}/{uuid.uuid4()}", json={"active": False})
    assert no_reason.status_code == 422 and no_reason.json()["code"] == "validation_failed"
    short = admin.patch(f"{url}/{uuid.uuid4()}", json={"active": False, "reason": "no"})
    assert short.status_code == 422


def test_employees_and_customers_cannot_change_providers(as_role: Any) -> None:
    for role in ("employee", "customer"):
        http = as_role(role)
        assert http.post("/api/utilities/providers", json=NEW, headers={"Idempotency-Key": "k"}).status_code == 403
        assert http.patch(f"/api/utilities/providers/{uuid.uuid4()}",
                          json={"active": False, "reason": "closed"}).status_code == 403
    customer = as_role("customer")
    assert customer.get("/api/utilities/providers", params={"include_inactive": "true"}).status_code == 403
