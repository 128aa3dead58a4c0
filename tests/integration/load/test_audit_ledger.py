"""`make audit-ledger` catches each kind of break: a scratch copy of the ledger and of notifications (their
real migrations, in throwaway schemas of the stack's databases) gets a small consistent history, the audit
finds it clean, then one break at a time is planted (as a superuser would, bypassing the triggers and
constraints that normally make it impossible) and the audit must name it and exit non-zero."""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import psycopg
import pytest

from bank_shared.migrations import upgrade_head
from tests.load import audit_ledger
from tests.support.stack import database_url, stack


@dataclass(frozen=True)
class Scratch:
    ledger_schema: str
    notifications_schema: str
    alice: uuid.UUID
    bob: uuid.UUID
    transfer_tx: uuid.UUID
    transfer_event: uuid.UUID


def _admin(database: str, schema: str) -> psycopg.Connection[Any]:
    pg = stack()["postgres"]
    return psycopg.connect(host=pg["host"], port=pg["port"], user=pg["admin_user"], password=pg["admin_password"],
                           dbname=database, options=f"-c search_path={schema}", autocommit=True)


def _schema_url(service: str, schema: str) -> str:
    return f"{database_url(service)}?options=-csearch_path%3D{schema}"


def _post(conn: psycopg.Connection[Any], kind: str, legs: list[tuple[uuid.UUID, int]]) -> uuid.UUID:
    tx = uuid.uuid4()
    conn.execute("INSERT INTO ledger_transactions (id, kind, initiated_by) VALUES (%s, %s, 'audit-test')", (tx, kind))
    for account, amount in legs:
        conn.execute("INSERT INTO postings (transaction_id, account_id, currency, amount) VALUES (%s, %s, 'RUB', %s)",
                     (tx, account, amount))
        conn.execute("UPDATE ledger_accounts SET balance = balance + %s WHERE id = %s", (amount, account))
    return tx


def _evented(conn: psycopg.Connection[Any], key: str, tx: uuid.UUID, amount: str, published: bool) -> uuid.UUID:
    """The stored Idempotency-Key answer and the payment.executed outbox row of transaction `tx`."""
    event = uuid.uuid4()
    body = {"transaction_id": str(tx), "amount": {"amount": amount, "currency": "RUB"}}
    conn.execute("INSERT INTO idempotency_keys (scope, idempotency_key, request_hash, response_status, response_body)"
                 " VALUES ('transfer:audit', %s, 'h', 201, %s)", (key, json.dumps(body)))
    payload = {"id": str(event), "type": "payment.executed", "data": {"transaction_id": str(tx), "currency": "RUB"}}
    conn.execute("INSERT INTO outbox (id, topic, message_key, payload, published_at) VALUES "
                 "(%s, 'payment.executed', 'k', %s, CASE WHEN %s THEN now() END)",
                 (event, json.dumps(payload), published))
    return event


@pytest.fixture
def scratch() -> Iterator[Scratch]:
    suffix = uuid.uuid4().hex[:8]
    ledger_schema, notifications_schema = f"audit_l_{suffix}", f"audit_n_{suffix}"
    for service, schema in (("ledger", ledger_schema), ("notifications", notifications_schema)):
        with psycopg.connect(database_url(service), autocommit=True) as conn:
            conn.execute(f"CREATE SCHEMA {schema}")
        upgrade_head(service, _schema_url(service, schema))
    alice, bob = uuid.uuid4(), uuid.uuid4()
    with _admin("ledger", ledger_schema) as ledger, ledger.transaction():
        for account in (alice, bob):
            ledger.execute("INSERT INTO ledger_accounts (id, kind, owner_id, currency) "
                           "VALUES (%s, 'customer', %s, 'RUB')", (account, uuid.uuid4()))
        issuance = ledger.execute("SELECT id FROM ledger_accounts WHERE system_code = 'issuance:RUB'").fetchone()
        assert issuance is not None
        opening = _post(ledger, "issuance", [(issuance[0], -100_000), (alice, 100_000)])
        opening_event = _evented(ledger, "opening", opening, "1000.00", True)
        transfer = _post(ledger, "transfer", [(alice, -2_500), (bob, 2_500)])
        transfer_event = _evented(ledger, "transfer-1", transfer, "25.00", True)
    with _admin("notifications", notifications_schema) as notifications:
        for event in (opening_event, transfer_event):
            notifications.execute("INSERT INTO processed_events (consumer, event_id) VALUES ('notifications', %s)",
                                  (str(event),))
        notifications.execute(
            "INSERT INTO inbox_items (id, user_id, kind, title, body, source_event_id) "
            "VALUES (%s, %s, 'payment_received', 't', 'b', %s)", (uuid.uuid4(), uuid.uuid4(), str(transfer_event)))
    yield Scratch(ledger_schema, notifications_schema, alice, bob, transfer, transfer_event)
    for service, schema in (("ledger", ledger_schema), ("notifications", notifications_schema)):
        with _admin(service, "public") as conn:
            conn.execute(f"DROP SCHEMA {schema} CASCADE")


def run_audit(scratch: Scratch) -> tuple[int, set[str]]:
    args = ["--settle", "0", "--ledger-schema", scratch.ledger_schema,
            "--notifications-schema", scratch.notifications_schema]
    status = audit_ledger.main(args)
    findings = audit_ledger.audit(audit_ledger.admin_url("ledger", scratch.ledger_schema),
                                  audit_ledger.admin_url("notifications", scratch.notifications_schema),
                                  settle_seconds=0, progress=lambda _text: None)
    return status, {f.check for f in findings if f.breaks}


def _bypassing(conn: psycopg.Connection[Any]) -> psycopg.Connection[Any]:
    conn.execute("SET session_replication_role = replica")  # no triggers: append-only and zero-sum are off
    return conn


def plant_unbalanced_posting(s: Scratch) -> None:
    with _bypassing(_admin("ledger", s.ledger_schema)) as conn:
        conn.execute("INSERT INTO postings (transaction_id, account_id, currency, amount) VALUES (%s, %s, 'RUB', 1)",
                     (s.transfer_tx, s.bob))


def plant_money_from_nowhere(s: Scratch) -> None:
    with _admin("ledger", s.ledger_schema) as conn:
        conn.execute("UPDATE ledger_accounts SET balance = balance + 100 WHERE id = %s", (s.bob,))


def plant_balance_drift(s: Scratch) -> None:
    with _admin("ledger", s.ledger_schema) as conn, conn.transaction():
        conn.execute("UPDATE ledger_accounts SET balance = balance - 5 WHERE id = %s", (s.alice,))
        conn.execute("UPDATE ledger_accounts SET balance = balance + 5 WHERE id = %s", (s.bob,))


def plant_held_without_hold(s: Scratch) -> None:
    with _admin("ledger", s.ledger_schema) as conn:
        conn.execute("UPDATE ledger_accounts SET held = 700 WHERE id = %s", (s.alice,))


def plant_overdrawn_account(s: Scratch) -> None:
    with _bypassing(_admin("ledger", s.ledger_schema)) as conn, conn.transaction():
        conn.execute("ALTER TABLE ledger_accounts DROP CONSTRAINT balance_within_limit, "
                     "DROP CONSTRAINT available_within_limit")
        _post(conn, "transfer", [(s.bob, -1_000_000), (s.alice, 1_000_000)])


def plant_unbalanced_transaction(s: Scratch) -> None:
    with _bypassing(_admin("ledger", s.ledger_schema)) as conn, conn.transaction():
        tx = _post(conn, "transfer", [(s.alice, -300)])
        _evented(conn, "lopsided", tx, "3.00", True)


def plant_key_applied_twice(s: Scratch) -> None:
    with _admin("ledger", s.ledger_schema) as conn:
        body = {"transaction_id": str(s.transfer_tx), "amount": {"amount": "25.00", "currency": "RUB"}}
        conn.execute("INSERT INTO idempotency_keys (scope, idempotency_key, request_hash, response_status, "
                     "response_body) VALUES ('transfer:audit', 'transfer-1-retry', 'h', 201, %s)", (json.dumps(body),))


def plant_key_without_effect(s: Scratch) -> None:
    with _admin("ledger", s.ledger_schema) as conn:
        body = {"transaction_id": str(uuid.uuid4()), "amount": {"amount": "9.00", "currency": "RUB"}}
        conn.execute("INSERT INTO idempotency_keys (scope, idempotency_key, request_hash, response_status, "
                     "response_body) VALUES ('transfer:audit', 'lost', 'h', 201, %s)", (json.dumps(body),))


def plant_second_event(s: Scratch) -> None:
    with _admin("ledger", s.ledger_schema) as conn:
        payload = {"type": "payment.executed", "data": {"transaction_id": str(s.transfer_tx), "currency": "RUB"}}
        conn.execute("INSERT INTO outbox (id, topic, message_key, payload, published_at) "
                     "VALUES (%s, 'payment.executed', 'k', %s, now())", (uuid.uuid4(), json.dumps(payload)))


def plant_unrelayed_event(s: Scratch) -> None:
    with _admin("ledger", s.ledger_schema) as conn:
        conn.execute("UPDATE outbox SET published_at = NULL WHERE id = %s", (s.transfer_event,))


def plant_event_never_received(s: Scratch) -> None:
    with _admin("notifications", s.notifications_schema) as conn:
        conn.execute("DELETE FROM processed_events WHERE event_id = %s", (str(s.transfer_event),))


def plant_inbox_entry_twice(s: Scratch) -> None:
    with _admin("notifications", s.notifications_schema) as conn, conn.transaction():
        conn.execute("ALTER TABLE inbox_items DROP CONSTRAINT inbox_items_source_event_id_user_id_kind_key")
        conn.execute("INSERT INTO inbox_items (id, user_id, kind, title, body, source_event_id) "
                     "SELECT %s, user_id, kind, title, body, source_event_id FROM inbox_items "
                     "WHERE source_event_id = %s", (uuid.uuid4(), str(s.transfer_event)))


BREAKS: dict[str, tuple[Callable[[Scratch], None], str]] = {
    "unbalanced posting": (plant_unbalanced_posting, "postings sum to zero"),
    "money from nowhere": (plant_money_from_nowhere, "balances sum to zero"),
    "balance drift": (plant_balance_drift, "balance equals its postings"),
    "held without hold": (plant_held_without_hold, "held equals pending holds"),
    "overdrawn account": (plant_overdrawn_account, "no balance below its limit"),
    "one-legged transaction": (plant_unbalanced_transaction, "transactions balanced"),
    "key applied twice": (plant_key_applied_twice, "key applied at most once"),
    "key without effect": (plant_key_without_effect, "key's effect exists"),
    "second event": (plant_second_event, "one event per transaction"),
    "unrelayed event": (plant_unrelayed_event, "payment.executed relayed"),
    "event never received": (plant_event_never_received, "inbox received each event once"),
    "inbox entry twice": (plant_inbox_entry_twice, "inbox received each event once"),
}


def test_a_consistent_history_passes(scratch: Scratch) -> None:
    assert run_audit(scratch) == (0, set())


@pytest.mark.parametrize("name", list(BREAKS))
def test_each_planted_break_is_caught(scratch: Scratch, name: str) -> None:
    plant, check = BREAKS[name]
    plant(scratch)
    status, broken = run_audit(scratch)
    assert status == 1
    assert check in broken


def test_answers_without_a_transaction_are_no_break(scratch: Scratch) -> None:
    """A hold's stored answer has `transaction_id: null` (nothing posted yet): found in the first load run."""
    with _admin("ledger", scratch.ledger_schema) as conn:
        for key in ("hold-1", "hold-2"):
            conn.execute("INSERT INTO idempotency_keys (scope, idempotency_key, request_hash, response_status, "
                         "response_body) VALUES ('hold:audit', %s, 'h', 201, %s)",
                         (key, json.dumps({"hold_id": str(uuid.uuid4()), "transaction_id": None})))
    assert run_audit(scratch) == (0, set())


def test_balance_drift_alone_breaks_only_its_own_check(scratch: Scratch) -> None:
    plant_balance_drift(scratch)
    assert run_audit(scratch) == (1, {"balance equals its postings"})
