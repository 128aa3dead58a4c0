"""The ledger's balance ceiling (F3: no balance can overflow) and reversals (issue 15 item 2), against the
stack's real ledger database."""

from __future__ import annotations

import threading
import uuid
from typing import Any
from uuid import UUID

import psycopg
import pytest

from bank_shared.db import Connection, UnitOfWork, connect
from bank_shared.errors import AppError
from ledger_service import history, service
from tests.integration.ledger.support import (
    SERVICE,
    assert_ledger_consistent,
    balances,
    customer,
    open_account,
)

OFFICE = SERVICE
CEILING = 10**15  # migration 0006: the default max_balance of a customer account
F3_AMOUNT = 99_999_999_999_999_999  # 999 999 999 999 999.99 RUB, accepted in one request before


def staff(maker: str = "maker-1", checker: str | None = "checker-1") -> service.StaffAction:
    return service.StaffAction(maker, checker)


def topup(connection: Connection, account: UUID, amount: int, key: str | None = None) -> Any:
    with UnitOfWork(connection) as uow:
        return service.topup(uow, OFFICE, key or str(uuid.uuid4()), account, amount, "RUB", action=staff())


def reverse(connection: Connection, transaction_id: UUID, key: str | None = None) -> Any:
    with UnitOfWork(connection) as uow:
        return service.reverse(uow, OFFICE, key or str(uuid.uuid4()), transaction_id, "wrong account", staff())


def code(call: Any) -> str:
    with pytest.raises(AppError) as raised:
        call()
    return raised.value.code


# ------------------------------------------------------------------------------------------ ceiling


def test_the_finding_amount_cannot_be_credited(connection: Connection) -> None:
    account = open_account(connection)
    refused = topup(connection, account, F3_AMOUNT)
    assert (refused.status, refused.body["code"]) == (422, "balance_limit_exceeded")
    assert balances(connection, [account])[account]["balance"] == 0


def test_no_sequence_of_top_ups_passes_the_ceiling(connection: Connection) -> None:
    account = open_account(connection)
    assert topup(connection, account, CEILING - 1).status == 201
    assert topup(connection, account, 1).status == 201  # exactly at the ceiling
    assert topup(connection, account, 1).body["code"] == "balance_limit_exceeded"
    assert balances(connection, [account])[account]["balance"] == CEILING
    assert_ledger_consistent(connection)


def test_a_transfer_into_a_full_account_is_refused_cleanly(connection: Connection) -> None:
    owner = uuid.uuid4()
    full, source = open_account(connection), open_account(connection, owner, funded=500)
    topup(connection, full, CEILING)
    assert code(lambda: service.submit_transfer(connection, customer(owner), str(uuid.uuid4()), source, full, 100,
                                                "RUB")) == "balance_limit_exceeded"
    assert balances(connection, [source])[source]["balance"] == 500


def test_the_database_itself_refuses_a_balance_above_the_ceiling(connection: Connection) -> None:
    account = open_account(connection)
    with pytest.raises(psycopg.errors.CheckViolation, match="balance_within_maximum"), connection.transaction():
        connection.execute("UPDATE ledger_accounts SET balance = %s WHERE id = %s", (CEILING + 1, account))
    # contra (system) accounts may go negative, but not without bound either (rolled back with the test row)
    with pytest.raises(psycopg.errors.CheckViolation, match="balance_within_floor"), connection.transaction():
        connection.execute("INSERT INTO ledger_accounts (id, kind, system_code, currency, allow_negative) "
                           "VALUES (%s, 'system', %s, 'RUB', true)", (uuid.uuid4(), f"test-floor:{account}"))
        connection.execute("UPDATE ledger_accounts SET balance = %s WHERE system_code = %s",
                           (-(4 * 10**18) - 1, f"test-floor:{account}"))


def test_staff_top_ups_name_maker_and_checker(connection: Connection) -> None:
    account = open_account(connection)
    done = topup(connection, account, 1_000)
    with UnitOfWork(connection) as uow:
        transaction = service.get_transaction(uow, UUID(done.body["transaction_id"]))
    assert (transaction["initiated_by"], transaction["approved_by"]) == ("maker-1", "checker-1")
    assert transaction["postings"][1] == {"account_id": str(account), "direction": "credit",
                                          "amount": {"amount": "10.00", "currency": "RUB"}}


# ------------------------------------------------------------------------------------------ reversals


def test_a_top_up_is_reversed_in_full_once_and_the_customer_sees_both(connection: Connection) -> None:
    owner = uuid.uuid4()
    account = open_account(connection, owner)
    original = topup(connection, account, 2_500)
    original_id = UUID(original.body["transaction_id"])
    key = str(uuid.uuid4())
    reversal = reverse(connection, original_id, key)
    assert reversal.status == 201, reversal.body
    assert (reversal.body["type"], reversal.body["reverses"]) == ("reversal", str(original_id))
    assert (reversal.body["from_account_id"], reversal.body["amount"]["amount"]) == (str(account), "25.00")
    assert balances(connection, [account])[account]["balance"] == 0
    assert reverse(connection, original_id, key).replayed  # the same key: the stored answer
    assert code(lambda: reverse(connection, original_id)) == "already_reversed"
    with UnitOfWork(connection) as uow:
        assert service.get_transaction(uow, original_id)["reversed_by"] == reversal.body["transaction_id"]
        postings, _ = history.list_transactions(uow, customer(owner), account, None, None, None, None, 10)
    assert [(item["type"], item["direction"]) for item in postings] == [("reversal", "debit"), ("topup", "credit")]
    assert_ledger_consistent(connection)


def test_a_reversal_keeps_the_balance_guard(connection: Connection) -> None:
    """The recipient already spent the money: the reversal would take them below their limit."""
    payer, payee = uuid.uuid4(), uuid.uuid4()
    source, target = open_account(connection, payer, funded=1_000), open_account(connection, payee)
    other = open_account(connection)
    sent = service.submit_transfer(connection, customer(payer), str(uuid.uuid4()), source, target, 600, "RUB")
    service.submit_transfer(connection, customer(payee), str(uuid.uuid4()), target, other, 500, "RUB")
    refused = reverse(connection, UUID(sent.body["transaction_id"]))
    assert (refused.status, refused.body["code"]) == (422, "insufficient_funds")
    assert balances(connection, [source, target])[target]["balance"] == 100


def test_what_cannot_be_reversed(connection: Connection) -> None:
    account = open_account(connection)
    done = topup(connection, account, 300)
    reversal = reverse(connection, UUID(done.body["transaction_id"]))
    assert code(lambda: reverse(connection, UUID(reversal.body["transaction_id"]))) == "transaction_not_reversible"
    assert code(lambda: reverse(connection, uuid.uuid4())) == "transaction_not_found"


def test_two_reversals_racing_apply_once(ledger_url: str, connection: Connection) -> None:
    account = open_account(connection)
    original = UUID(topup(connection, account, 700).body["transaction_id"])
    start = threading.Barrier(4)
    outcomes: list[str] = []

    def race() -> None:
        own = connect(ledger_url)
        try:
            start.wait()
            result = reverse(own, original)
            outcomes.append(str(result.status))
        except AppError as error:
            outcomes.append(error.code)
        finally:
            own.close()

    threads = [threading.Thread(target=race) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["201", "already_reversed", "already_reversed", "already_reversed"]
    assert balances(connection, [account])[account]["balance"] == 0
    assert_ledger_consistent(connection)
