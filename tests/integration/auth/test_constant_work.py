"""F7: `forgot`, `register`, `resend` and `login` do the same work for an address that has an account and one
that has none, against auth's real database: the same password hashing, the same number of outbox events
(each relayed to Kafka after commit: the expensive round trip), the same statements, except that a real
link also writes its row in the same transaction. The work is compared, not the wall clock
(`tests/benchmarks/auth_timing.py` prints the timing ratio through the gateway)."""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest

from auth_service import passwords, service
from bank_shared.db import Connection, UnitOfWork, connect
from bank_shared.events import outbox
from bank_shared.one_time_links import LinkKey
from tests.support.stack import database_url

PASSWORD = "Correct-horse-42"
LINK_ROW = {"UPDATE one_time_tokens", "INSERT one_time_tokens"}
LINKS = LinkKey(b"a one-time link key for this test, 48 characters")  # the routes read the real one first


@dataclass
class Work:
    statements: list[str] = field(default_factory=list)
    events: list[str] = field(default_factory=list)
    relays: int = 0
    hashes: int = 0
    verifications: int = 0


class Recording:
    """The connection, recording each statement as "VERB table"."""

    def __init__(self, connection: Connection, work: Work) -> None:
        self._connection, self._work = connection, work

    def execute(self, query: Any, params: Any = None) -> Any:
        text = " ".join(str(query).split())
        found = re.match(r"(INSERT INTO|UPDATE|DELETE FROM) (\w+)", text) or re.match(r"(SELECT) .*? FROM (\w+)", text)
        if found:
            self._work.statements.append(f"{found.group(1).split()[0]} {found.group(2)}")
        return self._connection.execute(query, params)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._connection, name)


class Throttle:
    def ensure_not_locked(self, _email: str) -> None: ...

    def record_failure(self, _email: str) -> None:
        return None

    def record_success(self, _email: str) -> None: ...


@pytest.fixture
def connection() -> Iterator[Connection]:
    conn = connect(database_url("auth"))
    yield conn
    conn.close()


@pytest.fixture
def measure(connection: Connection, monkeypatch: pytest.MonkeyPatch) -> Any:
    """Runs a use case in one unit of work and returns the work it did."""
    current = Work()
    real_record, real_hash, real_verify = service.record_event, passwords.hash_password, passwords.verify_password

    def record(uow: UnitOfWork, event: Any, topic: str | None = None) -> None:
        current.events.append(topic or event.type)
        real_record(uow, event, topic)

    def count_hash(password: str) -> str:
        current.hashes += 1
        return real_hash(password)

    def count_verify(stored: str, password: str) -> bool:
        current.verifications += 1
        return real_verify(stored, password)

    monkeypatch.setattr(service, "record_event", record)
    monkeypatch.setattr(passwords, "hash_password", count_hash)
    monkeypatch.setattr(passwords, "verify_password", count_verify)
    monkeypatch.setattr(outbox, "relay_after_commit", lambda _conn: setattr(current, "relays", current.relays + 1))

    def run(use_case: Any, *args: Any) -> Work:
        nonlocal current
        current = Work()
        with UnitOfWork(Recording(connection, current)) as uow:  # type: ignore[arg-type]
            use_case(uow, *args)
        return current

    return run


def known_user(measure: Any) -> str:
    email = f"timing-{uuid.uuid4().hex[:10]}@example.com"
    measure(service.register, LINKS, email, PASSWORD, "Known User", None)
    return email


def unknown() -> str:
    return f"nobody-{uuid.uuid4().hex[:10]}@example.com"


def assert_same_work(known: Work, unknown_: Work, *, extra_on_known: set[str]) -> None:
    assert len(known.events) == len(unknown_.events) == 1
    assert known.relays == unknown_.relays == 1  # one Kafka round trip after commit, either way
    assert (known.hashes, known.verifications) == (unknown_.hashes, unknown_.verifications)
    assert [s for s in known.statements if s not in extra_on_known] == unknown_.statements


def test_forgot_password(measure: Any) -> None:
    email = known_user(measure)
    assert_same_work(measure(service.forgot_password, LINKS, email),
                     measure(service.forgot_password, LINKS, unknown()),
                     extra_on_known=LINK_ROW)


def test_resend_activation(measure: Any) -> None:
    email = known_user(measure)  # registered, still pending
    assert_same_work(measure(service.resend_activation, LINKS, email),
                     measure(service.resend_activation, LINKS, unknown()),
                     extra_on_known=LINK_ROW)


def test_register(measure: Any) -> None:
    fresh = measure(service.register, LINKS, unknown(), PASSWORD, "New", None)
    taken = measure(service.register, LINKS, known_user(measure), PASSWORD, "Again", None)
    assert (fresh.hashes, taken.hashes) == (1, 1)
    # the new address writes its link; the taken one writes nothing but the same one outbox event
    assert_same_work(fresh, taken, extra_on_known={"INSERT one_time_tokens"})


def test_login_failures(measure: Any, connection: Connection) -> None:
    email = known_user(measure)
    wrong = measure(service.login, Throttle(), email, "Wrong-password-1", None)
    missing = measure(service.login, Throttle(), unknown(), "Wrong-password-1", None)
    assert (wrong.verifications, missing.verifications) == (1, 1)
    assert wrong.statements == missing.statements and wrong.events == missing.events == []
