"""Hypothesis stateful test: the ledger behaves like a trivial in-memory model of balances and holds."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from uuid import UUID

import httpx
import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import Bundle, RuleBasedStateMachine, consumes, initialize, invariant, rule

from bank_shared.db import Connection, UnitOfWork, connect
from bank_shared.events import outbox
from ledger_service import holds, service
from tests.integration.ledger.support import ADMIN, SERVICE, assert_ledger_consistent, customer
from tests.support.stack import database_url, gateway_url


@dataclass
class Model:
    balance: dict[UUID, int] = field(default_factory=dict)
    held: dict[UUID, int] = field(default_factory=dict)
    overdraft: dict[UUID, int] = field(default_factory=dict)
    owner: dict[UUID, UUID] = field(default_factory=dict)
    holds: dict[UUID, tuple[UUID, int]] = field(default_factory=dict)

    def available(self, account: UUID) -> int:
        return self.balance[account] - self.held[account] + self.overdraft[account]


amounts = st.integers(min_value=1, max_value=20_000)


class LedgerMachine(RuleBasedStateMachine):
    accounts = Bundle("accounts")
    holds = Bundle("holds")

    def __init__(self) -> None:
        super().__init__()
        self.connection: Connection = connect(database_url("ledger"))
        self.model = Model()

    def teardown(self) -> None:
        assert_ledger_consistent(self.connection)
        self.connection.close()

    def _key(self) -> str:
        return f"stateful-{uuid.uuid4()}"

    @initialize(target=accounts)
    def first_account(self) -> UUID:
        return self.open_account(0)

    @rule(target=accounts, overdraft=st.sampled_from([0, 0, 5_000]))
    def open_account(self, overdraft: int) -> UUID:
        account, owner = uuid.uuid4(), uuid.uuid4()
        with UnitOfWork(self.connection) as uow:
            service.register_account(uow, account, owner, "RUB", overdraft)
        self.model.balance[account], self.model.held[account] = 0, 0
        self.model.overdraft[account], self.model.owner[account] = overdraft, owner
        return account

    @rule(account=accounts, amount=amounts)
    def topup(self, account: UUID, amount: int) -> None:
        with UnitOfWork(self.connection) as uow:
            result = service.topup(uow, ADMIN, self._key(), account, amount, "RUB")
        assert result.status == 201
        self.model.balance[account] += amount

    @rule(source=accounts, dest=accounts, amount=amounts, replay=st.booleans())
    def transfer(self, source: UUID, dest: UUID, amount: int, replay: bool) -> None:
        if source == dest:
            return
        key = self._key()
        payer = customer(self.model.owner[source])
        result = service.submit_transfer(self.connection, payer, key, source, dest, amount, "RUB")
        expected_ok = self.model.available(source) >= amount
        assert result.status == (201 if expected_ok else 422)
        if expected_ok:
            self.model.balance[source] -= amount
            self.model.balance[dest] += amount
        if replay:
            again = service.submit_transfer(self.connection, payer, key, source, dest, amount, "RUB")
            assert again.replayed and again.body == result.body

    @rule(target=holds, account=accounts, amount=amounts)
    def create_hold(self, account: UUID, amount: int) -> UUID | None:
        with UnitOfWork(self.connection) as uow:
            result = holds.create_hold(uow, SERVICE, self._key(), account, amount, "RUB")
        expected_ok = self.model.available(account) >= amount
        assert result.status == (201 if expected_ok else 422)
        if not expected_ok:
            return None
        hold_id = UUID(result.body["id"])
        self.model.held[account] += amount
        self.model.holds[hold_id] = (account, amount)
        return hold_id

    @rule(hold=consumes(holds), dest=accounts, fraction=st.sampled_from([1, 2, 3]))
    def capture(self, hold: UUID | None, dest: UUID, fraction: int) -> None:
        if hold is None or self.model.holds[hold][0] == dest:
            return
        account, amount = self.model.holds.pop(hold)
        captured = max(1, amount // fraction)
        with UnitOfWork(self.connection) as uow:
            result = holds.capture_hold(uow, SERVICE, self._key(), hold, dest, captured)
        assert result.status == 201, result.body
        self.model.held[account] -= amount
        self.model.balance[account] -= captured
        self.model.balance[dest] += captured

    @rule(hold=consumes(holds))
    def void(self, hold: UUID | None) -> None:
        if hold is None:
            return
        account, amount = self.model.holds.pop(hold)
        with UnitOfWork(self.connection) as uow:
            result = holds.void_hold(uow, SERVICE, self._key(), hold)
        assert result.status == 200 and result.body["status"] == "voided"
        self.model.held[account] -= amount

    @invariant()
    def matches_model(self) -> None:
        rows = self.connection.execute(
            "SELECT id, balance, held FROM ledger_accounts WHERE id = ANY(%s)", (list(self.model.balance),)
        ).fetchall()
        self.connection.commit()
        assert {row["id"]: (row["balance"], row["held"]) for row in rows} == {
            account: (self.model.balance[account], self.model.held[account]) for account in self.model.balance
        }


@pytest.fixture(autouse=True)
def _quiet_outbox(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(outbox, "relay_after_commit", lambda _connection: None)


TestLedgerAgainstModel = LedgerMachine.TestCase
TestLedgerAgainstModel.settings = settings(max_examples=25, stateful_step_count=25, deadline=None,
                                           suppress_health_check=[HealthCheck.too_slow])


def _aged_hold(connection: Connection, amount: int) -> tuple[UUID, UUID]:
    """A funded account with a pending hold whose expiry has passed (holds are mutable state, not history)."""
    account, owner = uuid.uuid4(), uuid.uuid4()
    with UnitOfWork(connection) as uow:
        service.register_account(uow, account, owner, "RUB")
    with UnitOfWork(connection) as uow:
        service.topup(uow, ADMIN, f"exp-{account}", account, 1_000, "RUB")
    with UnitOfWork(connection) as uow:
        hold = holds.create_hold(uow, SERVICE, f"exph-{account}", account, amount, "RUB")
    hold_id = UUID(hold.body["id"])
    with UnitOfWork(connection) as uow:
        uow.connection.execute("UPDATE holds SET expires_at = %s WHERE id = %s",
                               (datetime.now(UTC) - timedelta(seconds=1), hold_id))
    return account, hold_id


def _hold_state(connection: Connection, account: UUID, hold_id: UUID) -> tuple[str, str, str]:
    with UnitOfWork(connection) as uow:
        view = service.get_balance(uow, ADMIN, account)
        status = holds.get_hold(uow, hold_id)["status"]
    return status, view["held"]["amount"], view["available"]["amount"]


def test_expired_holds_are_released_by_the_sweep(connection: Connection) -> None:
    """Nothing but the sweep touches the aged hold: it stays pending and held until the sweep releases it."""
    account, hold_id = _aged_hold(connection, 800)
    assert _hold_state(connection, account, hold_id) == ("pending", "8.00", "2.00")
    holds.expire_holds(lambda: UnitOfWork(connection))
    assert _hold_state(connection, account, hold_id) == ("expired", "0.00", "10.00")


def test_a_capture_after_expiry_is_refused_and_releases_the_hold(connection: Connection) -> None:
    account, hold_id = _aged_hold(connection, 800)
    with UnitOfWork(connection) as uow:
        late = holds.capture_hold(uow, SERVICE, f"expc-{account}", hold_id, account, None)
    assert late.status == 422 and late.body["code"] == "hold_expired"
    assert _hold_state(connection, account, hold_id) == ("expired", "0.00", "10.00")


def test_the_ledger_schedule_releases_expired_holds(connection: Connection) -> None:
    """What AWS runs: EventBridge's schedule invokes the ledger function, whose scheduled tasks expire holds
    (run here through the local gateway's schedule runner, the same handler and event shape)."""
    account, hold_id = _aged_hold(connection, 500)
    assert _hold_state(connection, account, hold_id)[0] == "pending"
    response = httpx.post(f"{gateway_url()}/__emulator/schedules/LedgerFunction/run", timeout=60)
    assert response.status_code == 200 and "x-amz-function-error" not in response.headers, response.text
    assert "holds_expired" in response.json()
    assert _hold_state(connection, account, hold_id) == ("expired", "0.00", "10.00")
