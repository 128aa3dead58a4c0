"""The database itself refuses unbalanced transactions, edits of postings and balances below their limit."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import psycopg
import pytest

from bank_shared.db import UnitOfWork, connect
from ledger_service import history, service
from tests.integration.ledger.support import ADMIN, customer, open_account


@pytest.fixture
def connection(ledger_url: str) -> Iterator[Any]:
    """These tests write rows by hand and commit explicitly, so they want a non-autocommit connection
    (the services' connections are autocommit with explicit UnitOfWork transactions)."""
    conn = connect(ledger_url)
    conn.autocommit = False
    yield conn
    conn.close()


@pytest.fixture
def service_connection(ledger_url: str) -> Iterator[Any]:
    """An autocommit connection like the service's: POST /transfer's use case runs its own transactions."""
    conn = connect(ledger_url)
    yield conn
    conn.close()


def _insert_transaction(connection: Any, account: uuid.UUID, amounts: list[int]) -> None:
    transaction_id = uuid.uuid4()
    connection.execute("INSERT INTO ledger_transactions (id, kind, initiated_by) VALUES (%s, 'transfer', 't')",
                       (transaction_id,))
    for amount in amounts:
        connection.execute("INSERT INTO postings (transaction_id, account_id, currency, amount) "
                           "VALUES (%s, %s, 'RUB', %s)", (transaction_id, account, amount))


def test_unbalanced_postings_are_refused_at_commit(connection: Any) -> None:
    account = open_account(connection)
    _insert_transaction(connection, account, [500, -400])
    with pytest.raises(psycopg.errors.CheckViolation, match="does not balance"):
        connection.commit()
    connection.rollback()


def test_transaction_needs_postings(connection: Any) -> None:
    connection.execute("INSERT INTO ledger_transactions (id, kind, initiated_by) VALUES (%s, 'transfer', 't')",
                       (uuid.uuid4(),))
    with pytest.raises(psycopg.errors.CheckViolation, match="fewer than two postings"):
        connection.commit()
    connection.rollback()


@pytest.mark.parametrize("statement", ["UPDATE postings SET amount = amount + 1 WHERE account_id = %s",
                                       "DELETE FROM postings WHERE account_id = %s"])
def test_postings_are_immutable(connection: Any, statement: str) -> None:
    account = open_account(connection, funded=1_000)
    with pytest.raises(psycopg.errors.InsufficientPrivilege, match="append-only"):
        connection.execute(statement, (account,))
    connection.rollback()


def test_posting_currency_must_match_account(connection: Any) -> None:
    account = open_account(connection, currency="USD")
    with pytest.raises(psycopg.errors.ForeignKeyViolation):
        _insert_transaction(connection, account, [100, -100])  # postings claim RUB on a USD account
    connection.rollback()


def test_balance_check_backs_up_python(connection: Any) -> None:
    account = open_account(connection, funded=1_000)
    with pytest.raises(psycopg.errors.CheckViolation):
        connection.execute("UPDATE ledger_accounts SET balance = -1 WHERE id = %s", (account,))
    connection.rollback()


def test_overdraft_and_refusal_is_stored_with_payment_failed(connection: Any, service_connection: Any) -> None:
    owner = uuid.uuid4()
    source = open_account(connection, owner, funded=1_000, overdraft_limit=500)
    target = open_account(connection)
    connection.commit()
    ok = service.submit_transfer(service_connection, customer(owner), "od-1", source, target, 1_500, "RUB")
    refused = service.submit_transfer(service_connection, customer(owner), "od-2", source, target, 1, "RUB")
    replay = service.submit_transfer(service_connection, customer(owner), "od-2", source, target, 1, "RUB")
    assert ok.status == 201
    assert refused.status == 422 and refused.body["code"] == "insufficient_funds"
    assert replay.replayed and replay.body == refused.body
    failed = connection.execute(
        "SELECT count(*) AS n FROM outbox WHERE topic = 'payment.failed' AND message_key = %s", (str(source),)
    ).fetchone()
    connection.commit()
    assert failed == {"n": 1}


def test_customer_cannot_debit_or_read_someone_elses_account(connection: Any, service_connection: Any) -> None:
    victim = open_account(connection, funded=1_000)
    thief_owner = uuid.uuid4()
    thief_account = open_account(connection, thief_owner)
    connection.commit()
    with pytest.raises(service.AccountNotFound):
        service.submit_transfer(service_connection, customer(thief_owner), "steal", victim, thief_account, 100, "RUB")
    with pytest.raises(service.AccountNotFound), UnitOfWork(connection) as uow:
        service.get_balance(uow, customer(thief_owner), victim)
    with pytest.raises(service.AccountNotFound), UnitOfWork(connection) as uow:
        history.list_transactions(uow, customer(thief_owner), victim, None, None, None, None, 10)
    with UnitOfWork(connection) as uow:
        assert service.get_balance(uow, ADMIN, victim)["balance"]["amount"] == "10.00"
