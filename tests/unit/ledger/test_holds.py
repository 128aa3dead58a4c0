"""Holds in the fast tier over the in-memory ledger: create reserves available money (overdraft included), capture
posts a balanced hold_capture and releases the rest, void releases, an expired hold is refused at capture and
released by the sweep; every step once per Idempotency-Key. Each test names the bug that makes it fail."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any
from uuid import UUID

import pytest
from ledger_fakes import SERVICE, Bank

from bank_shared.errors import AccountClosed, AccountNotFound, CurrencyMismatch, IdempotencyKeyReused
from ledger_service import holds
from ledger_service.postings import CaptureExceedsHold, HoldNotFound, HoldNotPending
from ledger_service.settings import get_ledger_settings

OWNER = uuid.uuid4()


def hold(bank: Bank, account: UUID, amount: int, key: str = "h-1", **kwargs: Any) -> Any:
    return bank.run(holds.create_hold, SERVICE, key, account, amount, "RUB", **kwargs)


def test_a_hold_reserves_available_money_once_per_key(bank: Bank) -> None:
    account = bank.ledger.customer_account(OWNER, balance=10_000)
    first = hold(bank, account, 4_000, description="tickets")
    assert first.status == 201 and first.body["status"] == "pending" and first.body["amount"]["amount"] == "40.00"
    assert bank.ledger.account(account)["held"] == 4_000  # bug: add_held left out
    assert bank.ledger.account(account)["balance"] == 10_000  # a hold moves no money
    again = hold(bank, account, 4_000, description="tickets")
    assert again.replayed and again.body == first.body and bank.ledger.account(account)["held"] == 4_000
    with pytest.raises(IdempotencyKeyReused):
        hold(bank, account, 5_000, description="tickets")


def test_the_ttl_is_the_default_and_capped_at_the_maximum(bank: Bank) -> None:
    account = bank.ledger.customer_account(OWNER, balance=10_000)
    settings = get_ledger_settings()
    default = hold(bank, account, 1, key="a").body["expires_at"]
    capped = hold(bank, account, 1, key="b", ttl_seconds=settings.hold_max_ttl_seconds * 10).body["expires_at"]
    short = hold(bank, account, 1, key="c", ttl_seconds=60).body["expires_at"]
    start = bank.clock.instant
    assert default == (start + timedelta(seconds=settings.hold_default_ttl_seconds)).isoformat().replace("+00:00", "Z")
    assert capped == (start + timedelta(seconds=settings.hold_max_ttl_seconds)).isoformat().replace("+00:00", "Z")
    assert short == (start + timedelta(seconds=60)).isoformat().replace("+00:00", "Z")


@pytest.mark.parametrize(("balance", "held", "overdraft", "amount", "allowed"), [
    (10_000, 0, 0, 10_000, True),  # all of it
    (10_000, 0, 0, 10_001, False),  # one kopeck more than there is
    (10_000, 3_000, 0, 7_001, False),  # what is already held is not available
    (0, 0, 5_000, 5_000, True),  # the overdraft is available money
    (1_000, 0, 5_000, 6_001, False),  # but no more than the limit
])
def test_a_hold_needs_the_available_balance_overdraft_included(bank: Bank, balance: int, held: int, overdraft: int,
                                                               amount: int, allowed: bool) -> None:
    account = bank.ledger.customer_account(OWNER, balance=balance, held=held, overdraft_limit=overdraft)
    result = hold(bank, account, amount)
    if allowed:
        assert result.status == 201 and bank.ledger.account(account)["held"] == held + amount
        assert bank.events() == []
        return
    assert (result.status, result.body["code"]) == (422, "insufficient_funds")
    assert bank.ledger.account(account)["held"] == held and bank.ledger.state["holds"] == {}
    failed = bank.events("payment.failed")
    assert len(failed) == 1 and failed[0]["data"]["reason"] == "insufficient_funds"
    assert failed[0]["data"]["operation"] == "hold" and failed[0]["subject"] == str(account)
    assert hold(bank, account, amount).replayed  # the refusal is the key's stored answer


def test_a_hold_on_a_closed_foreign_currency_or_unknown_account_is_refused(bank: Bank) -> None:
    closed = bank.ledger.customer_account(OWNER, balance=10_000, status="closed")
    dollars = bank.ledger.customer_account(OWNER, currency="USD", balance=10_000)
    system = bank.ledger.system_account("cash")
    with pytest.raises(AccountClosed):
        hold(bank, closed, 1)
    with pytest.raises(CurrencyMismatch):
        hold(bank, dollars, 1)
    for missing in (uuid.uuid4(), system):
        with pytest.raises(AccountNotFound):
            hold(bank, missing, 1)
    assert bank.db.connection.idempotency_keys == {}  # malformed requests store no answer


def pending(bank: Bank, amount: int = 4_000, balance: int = 10_000) -> tuple[UUID, UUID, UUID]:
    account = bank.ledger.customer_account(OWNER, balance=balance)
    merchant = bank.ledger.customer_account(uuid.uuid4())
    hold_id = UUID(hold(bank, account, amount, key=f"h-{account}").body["id"])
    return account, merchant, hold_id


def capture(bank: Bank, hold_id: UUID, to: UUID, amount: int | None = None, key: str = "c-1") -> Any:
    return bank.run(holds.capture_hold, SERVICE, key, hold_id, to, amount, "order 7")


def test_capturing_a_whole_hold_moves_the_money_and_releases_it(bank: Bank) -> None:
    account, merchant, hold_id = pending(bank)
    result = capture(bank, hold_id, merchant)
    assert result.status == 201 and result.body["type"] == "hold_capture"
    assert result.body["hold"]["status"] == "captured"
    assert result.body["hold"]["transaction_id"] == result.body["transaction_id"]
    assert bank.ledger.account(account)["balance"] == 6_000 and bank.ledger.account(account)["held"] == 0
    assert bank.ledger.account(merchant)["balance"] == 4_000
    legs = bank.ledger.postings_of(UUID(result.body["transaction_id"]))
    assert sorted(leg.amount for leg in legs) == [-4_000, 4_000]
    executed = bank.events("payment.executed")
    assert len(executed) == 1 and executed[0]["data"]["amount_minor"] == 4_000
    assert capture(bank, hold_id, merchant).replayed  # the same capture again changes nothing
    assert bank.ledger.account(merchant)["balance"] == 4_000


def test_a_partial_capture_releases_the_remainder(bank: Bank) -> None:
    account, merchant, hold_id = pending(bank)
    result = capture(bank, hold_id, merchant, amount=2_500)
    assert result.status == 201 and result.body["amount"]["amount"] == "25.00"
    assert bank.ledger.account(account)["held"] == 0  # bug: only the captured part released
    assert bank.ledger.account(account)["balance"] == 7_500 and bank.ledger.account(merchant)["balance"] == 2_500


def test_a_capture_above_the_hold_changes_nothing(bank: Bank) -> None:
    account, merchant, hold_id = pending(bank)
    with pytest.raises(CaptureExceedsHold):
        capture(bank, hold_id, merchant, amount=4_001)
    assert bank.ledger.account(account)["held"] == 4_000 and bank.ledger.lock_hold(hold_id).status == "pending"
    assert bank.ledger.account(merchant)["balance"] == 0


def test_capture_needs_a_pending_hold_and_a_destination_in_its_currency(bank: Bank) -> None:
    account, merchant, hold_id = pending(bank)
    dollars = bank.ledger.customer_account(uuid.uuid4(), currency="USD")
    with pytest.raises(HoldNotFound):
        capture(bank, uuid.uuid4(), merchant)
    with pytest.raises(AccountNotFound):
        capture(bank, hold_id, uuid.uuid4(), key="c-2")
    with pytest.raises(CurrencyMismatch):
        capture(bank, hold_id, dollars, key="c-3")
    assert bank.ledger.account(account)["held"] == 4_000
    capture(bank, hold_id, merchant, key="c-4")
    with pytest.raises(HoldNotPending):
        capture(bank, hold_id, merchant, key="c-5")  # captured once; another key cannot capture it again


def test_an_expired_hold_is_refused_at_capture_and_released(bank: Bank) -> None:
    account, merchant, hold_id = pending(bank)
    bank.clock.instant += timedelta(seconds=get_ledger_settings().hold_default_ttl_seconds)  # expires_at <= now
    result = capture(bank, hold_id, merchant)
    assert (result.status, result.body["code"]) == (422, "hold_expired")
    assert bank.ledger.lock_hold(hold_id).status == "expired" and bank.ledger.account(account)["held"] == 0
    assert bank.ledger.account(merchant)["balance"] == 0
    assert bank.events("payment.failed")[0]["data"]["hold_id"] == str(hold_id)


def test_a_hold_one_second_before_expiry_is_still_captured(bank: Bank) -> None:
    _, merchant, hold_id = pending(bank)
    bank.clock.instant += timedelta(seconds=get_ledger_settings().hold_default_ttl_seconds - 1)
    assert capture(bank, hold_id, merchant).status == 201


def test_voiding_releases_the_hold_once(bank: Bank) -> None:
    account, _, hold_id = pending(bank)
    voided = bank.run(holds.void_hold, SERVICE, "v-1", hold_id)
    assert voided.status == 200 and voided.body["status"] == "voided"
    assert bank.ledger.account(account)["held"] == 0 and bank.ledger.account(account)["balance"] == 10_000
    assert bank.run(holds.void_hold, SERVICE, "v-1", hold_id).replayed
    with pytest.raises(HoldNotPending):
        bank.run(holds.void_hold, SERVICE, "v-2", hold_id)
    assert bank.ledger.account(account)["held"] == 0  # bug: a second void releasing again would fail the CHECK


def test_the_sweep_releases_only_expired_pending_holds(bank: Bank) -> None:
    account, _, late = pending(bank, amount=1_000)
    early = UUID(hold(bank, account, 2_000, key="early", ttl_seconds=60).body["id"])
    live = UUID(hold(bank, account, 3_000, key="live", ttl_seconds=3_600).body["id"])
    bank.ledger.age_hold(early, timedelta(days=1))
    bank.ledger.age_hold(late, timedelta(days=1))
    bank.run(holds.void_hold, SERVICE, "v", late)  # no longer pending: the sweep leaves it alone
    assert holds.expire_holds(bank.db.unit_of_work) == 1
    assert bank.ledger.lock_hold(early).status == "expired" and bank.ledger.lock_hold(live).status == "pending"
    assert bank.ledger.account(account)["held"] == 3_000
    assert holds.expire_holds(bank.db.unit_of_work) == 0


def test_get_hold(bank: Bank) -> None:
    _, _, hold_id = pending(bank)
    assert bank.run(holds.get_hold, hold_id)["status"] == "pending"
    with pytest.raises(HoldNotFound):
        bank.run(holds.get_hold, uuid.uuid4())


def test_the_sweep_rechecks_a_hold_voided_after_it_was_listed(bank: Bank) -> None:
    account, _, hold_id = pending(bank)
    bank.ledger.age_hold(hold_id, timedelta(days=1))
    opened: list[int] = []

    def unit_of_work() -> Any:  # a void commits between the sweep's listing and its own transaction
        opened.append(1)
        if len(opened) == 2:
            bank.run(holds.void_hold, SERVICE, "v-race", hold_id)
        return bank.db.unit_of_work()

    assert holds.expire_holds(unit_of_work) == 0
    assert bank.ledger.lock_hold(hold_id).status == "voided" and bank.ledger.account(account)["held"] == 0
