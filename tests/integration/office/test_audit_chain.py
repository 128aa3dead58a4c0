"""The back office's hash chain (migration 0003) in office's real database: entries and approvals written
through the repositories are chained and verify; an old audit row edited behind the triggers' back, a chain
entry rewritten, or a row deleted is detected. Tampering happens inside a transaction that is rolled back, so
the shared database's chain stays intact; `make audit-office`'s command is run against it as well."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest

from bank_shared.db import Connection, UnitOfWork
from office_service.repository import AuditRepository, NewEntry, Outcome
from office_service.verify_audit import verify
from tests.support.stack import migrated_connection, run_function_module


@pytest.fixture(scope="module")
def db() -> Iterator[Connection]:
    yield from migrated_connection("office")


def entry(db: Connection, action: str = "customer.view") -> uuid.UUID:
    entry_id = uuid.uuid4()
    with UnitOfWork(db) as uow:
        AuditRepository(uow.connection).insert(entry_id, NewEntry("employee-chain", ["employee"], action, "customer",
                                                        str(uuid.uuid4()), "req-1"))
    with UnitOfWork(db) as uow:
        AuditRepository(uow.connection).complete(entry_id, Outcome("succeeded", 200))
    return entry_id


def problems_after(db: Connection, *tampering: str, params: tuple[object, ...] = ()) -> list[str]:
    """The verifier's problems once the statements ran as the table owner with triggers off, all rolled back."""
    with db.transaction(force_rollback=True):
        db.execute("ALTER TABLE audit_log DISABLE TRIGGER USER")
        db.execute("ALTER TABLE audit_chain DISABLE TRIGGER USER")
        for statement in tampering:
            db.execute(statement, params)
        return verify(db).problems


def test_the_chain_verifies_and_the_command_says_so(db: Connection) -> None:
    entry(db)
    with db.transaction(force_rollback=True):
        report = verify(db)
    assert report.ok, report.problems
    assert report.entries >= report.rows >= 1
    done = run_function_module("office", "office_service.verify_audit")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "the chain verifies" in done.stdout


def test_editing_an_old_audit_row_is_detected(db: Connection) -> None:
    old = entry(db, "account.close")
    entry(db)  # newer entries follow it
    found = problems_after(db, "UPDATE audit_log SET actor_id = 'someone-else' WHERE id = %s", params=(old,))
    assert found == [f"audit_log {old}: differs from its last chained state (edited)"]


def test_rewriting_the_chain_or_deleting_a_row_is_detected(db: Connection) -> None:
    old = entry(db)
    entry(db)
    rewritten = problems_after(db, "UPDATE audit_chain SET snapshot = replace(snapshot, 'employee-chain', 'x') "
                                   "WHERE seq = (SELECT max(seq) FROM audit_chain WHERE row_id = %s)", params=(old,))
    assert any("its hash does not match its content" in problem for problem in rewritten), rewritten
    deleted = problems_after(db, "DELETE FROM audit_log WHERE id = %s", params=(old,))
    assert deleted == [f"audit_log {old}: chained but missing (deleted)"]


def test_the_chain_itself_refuses_updates(db: Connection) -> None:
    import psycopg

    entry(db)
    with pytest.raises(psycopg.errors.RaiseException), db.transaction(force_rollback=True):
        db.execute("DELETE FROM audit_chain WHERE seq = (SELECT max(seq) FROM audit_chain)")
