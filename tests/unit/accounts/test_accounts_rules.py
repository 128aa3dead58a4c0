"""accounts' rules in the fast tier: opening (self-service products, currencies, the per-owner limit, customers
only for themselves, once per key), closing only when the ledger holds no money and nothing on hold, cards only
on one's own active accounts, another customer's account and cards "not found". Each names its bug."""

from __future__ import annotations

import uuid
from typing import Any
from uuid import UUID

import pytest
from accounts_fakes import STAFF, Branch, customer

from accounts_service import service
from bank_shared.auth import Principal
from bank_shared.errors import AccountNotEmpty, Forbidden, IdempotencyKeyReused, Unprocessable
from ledger_service import holds

ANN, BOB = uuid.uuid4(), uuid.uuid4()
SERVICE = Principal("payments", frozenset({"service"}), frozenset(), {})


def open_account(branch: Branch, principal: Any = None, key: str = "o-1", product: str = "current",
                 currency: str = "RUB", owner: UUID | None = None) -> Any:
    return branch.run_owning(service.open_account, principal or customer(ANN), key, product, currency, owner)


def test_opening_registers_the_account_in_the_ledger_once_per_key(branch: Branch) -> None:
    opened = open_account(branch)
    account_id = UUID(opened.body["id"])
    assert opened.status == 201 and opened.body["owner_id"] == str(ANN) and len(opened.body["number"]) == 20
    assert branch.ledger.account(account_id)["owner_id"] == ANN  # bug: the ledger is not told
    assert branch.events("account.opened")[0]["data"]["opened_by"] == str(ANN)
    again = open_account(branch)
    assert again.replayed and again.body == opened.body and len(branch.accounts.state["accounts"]) == 1
    with pytest.raises(IdempotencyKeyReused):
        open_account(branch, currency="USD")


def test_opening_follows_the_product(branch: Branch) -> None:
    with pytest.raises(service.ProductNotFound):
        open_account(branch, product="gold")
    with pytest.raises(Forbidden):  # an employee opens the overdraft account
        open_account(branch, product="current_overdraft", key="o-2")
    with pytest.raises(service.CurrencyNotOffered):
        open_account(branch, product="savings", currency="CNY", key="o-3")
    overdraft = open_account(branch, STAFF, "o-4", "current_overdraft", owner=ANN)
    assert branch.ledger.account(UUID(overdraft.body["id"]))["overdraft_limit"] == 5_000_000
    open_account(branch, key="s-1", product="savings")
    open_account(branch, key="s-2", product="savings")
    with pytest.raises(service.AccountLimitReached):
        open_account(branch, key="s-3", product="savings")
    assert branch.db.connection.idempotency_keys.keys() == {(f"open:{ANN}", "s-1"), (f"open:{ANN}", "s-2"),
                                                            (f"open:{STAFF.actor}", "o-4")}


def test_customers_open_only_for_themselves_staff_must_name_the_owner(branch: Branch) -> None:
    with pytest.raises(Forbidden):
        open_account(branch, owner=BOB)
    with pytest.raises(Unprocessable):
        open_account(branch, STAFF)
    with pytest.raises(Forbidden):
        open_account(branch, SERVICE)
    assert open_account(branch, owner=ANN).body["owner_id"] == str(ANN)
    assert open_account(branch, STAFF, "o-2", owner=BOB).body["owner_id"] == str(BOB)


def funded(branch: Branch, balance: int = 0) -> UUID:
    account_id = UUID(open_account(branch, key=f"o-{uuid.uuid4()}").body["id"])
    branch.ledger.account(account_id)["balance"] = balance
    return account_id


def test_an_account_closes_only_when_the_ledger_holds_nothing(branch: Branch) -> None:
    account_id = funded(branch, balance=1_000)
    with pytest.raises(AccountNotEmpty):
        branch.run_owning(service.close_account, customer(ANN), account_id)
    assert branch.accounts.get(account_id).status == "active" and branch.events("account.closed") == []


def test_an_account_with_money_on_hold_does_not_close(branch: Branch) -> None:
    """Issue 18's uncovered bug: closing an account while funds are on hold."""
    account_id = funded(branch, balance=1_000)
    branch.ledger_db.run(holds.create_hold, SERVICE, "h", account_id, 1_000, "RUB")
    branch.ledger.account(account_id)["balance"] = 0  # nothing left on the balance, but the hold is there
    branch.ledger.account(account_id)["overdraft_limit"] = 1_000
    with pytest.raises(AccountNotEmpty):
        branch.run_owning(service.close_account, customer(ANN), account_id)
    assert branch.ledger.account(account_id)["status"] == "active"


def test_an_empty_account_closes_in_both_services_once(branch: Branch) -> None:
    account_id = funded(branch)
    closed = branch.run_owning(service.close_account, customer(ANN), account_id)
    assert closed["status"] == "closed" and closed["closed_at"] is not None
    assert branch.ledger.account(account_id)["status"] == "closed"
    assert branch.events("account.closed")[0]["data"]["closed_by"] == str(ANN)
    branch.run_owning(service.close_account, customer(ANN), account_id)
    assert branch.client.closed == [account_id] and len(branch.events("account.closed")) == 1


def test_another_customers_account_and_cards_are_not_found(branch: Branch) -> None:
    account_id = funded(branch)
    card = service.issue_card(customer(ANN), "c-1", account_id, branch.db.unit_of_work).body
    bob = customer(BOB)
    for owning in (service.get_account, service.close_account):
        with pytest.raises(service.AccountNotFound):
            branch.run_owning(owning, bob, account_id)
    with pytest.raises(service.AccountNotFound):
        branch.run(service.list_cards, bob, account_id)
    with pytest.raises(service.AccountNotFound):
        service.issue_card(bob, "c-2", account_id, branch.db.unit_of_work)
    with pytest.raises(service.CardNotFound):
        branch.run(service.set_card_status, bob, UUID(card["id"]), "blocked")
    assert branch.client.closed == [] and len(branch.accounts.state["cards"]) == 1
    assert branch.run_owning(service.get_account, STAFF, account_id)["id"] == str(account_id)


@pytest.mark.parametrize("reason", ["lost", "stolen"])
def test_a_card_reported_lost_or_stolen_stays_blocked_for_its_owner_but_staff_may_unblock(branch: Branch,
                                                                                          reason: str) -> None:
    account_id = funded(branch)
    card_id = UUID(service.issue_card(customer(ANN), "c-1", account_id, branch.db.unit_of_work).body["id"])
    blocked = branch.run(service.set_card_status, customer(ANN), card_id, "blocked", reason)
    assert (blocked["status"], blocked["block_reason"]) == ("blocked", reason)
    with pytest.raises(service.CardBlockFinal):  # bug: a thief's card unblocked by whoever holds the session
        branch.run(service.set_card_status, customer(ANN), card_id, "active")
    assert branch.run(service.list_cards, customer(ANN), account_id)[0]["status"] == "blocked"
    unblocked = branch.run(service.set_card_status, STAFF, card_id, "active")
    assert (unblocked["status"], unblocked["block_reason"]) == ("active", None)


@pytest.mark.parametrize("reason", ["suspicious", "other", None])
def test_a_card_blocked_for_another_reason_is_unblocked_by_its_owner(branch: Branch, reason: str | None) -> None:
    account_id = funded(branch)
    card_id = UUID(service.issue_card(customer(ANN), "c-1", account_id, branch.db.unit_of_work).body["id"])
    assert branch.run(service.set_card_status, customer(ANN), card_id, "blocked", reason)["block_reason"] == reason
    unblocked = branch.run(service.set_card_status, customer(ANN), card_id, "active")
    assert (unblocked["status"], unblocked["block_reason"]) == ("active", None)


def test_reading_accounts_with_balances_degrades_without_the_ledger(branch: Branch) -> None:
    account_id = funded(branch, balance=2_500)
    assert branch.run_owning(service.get_account, customer(ANN), account_id)["balance"]["amount"] == "25.00"
    [mine] = branch.run_owning(service.my_accounts, customer(ANN))
    assert mine["available"]["amount"] == "25.00"
    assert branch.run_owning(service.my_accounts, customer(BOB)) == []
    assert branch.run_owning(service.my_accounts, SERVICE) == []
    branch.client.down = True
    assert branch.run_owning(service.get_account, customer(ANN), account_id)["balance"] is None


def test_cards_are_issued_on_active_accounts_blocked_by_their_owner(branch: Branch) -> None:
    account_id = funded(branch)
    issued = service.issue_card(customer(ANN), "c-1", account_id, branch.db.unit_of_work)
    assert issued.status == 201 and issued.body["pan_masked"].startswith("2200")
    assert issued.body["expiry"].endswith(f"{(service.datetime.now(service.UTC).year + 4) % 100:02d}")
    assert "token" not in str(branch.events("card.issued"))  # the PAN's token never leaves the service
    assert service.issue_card(customer(ANN), "c-1", account_id, branch.db.unit_of_work).replayed
    [card] = branch.run(service.list_cards, customer(ANN), account_id)
    assert branch.run(service.set_card_status, customer(ANN), UUID(card["id"]), "blocked")["status"] == "blocked"
    with pytest.raises(service.CardNotFound):
        branch.run(service.set_card_status, customer(ANN), uuid.uuid4(), "blocked")
    branch.run_owning(service.close_account, customer(ANN), account_id)
    with pytest.raises(service.AccountClosed):
        service.issue_card(customer(ANN), "c-2", account_id, branch.db.unit_of_work)


def test_a_repeated_card_number_is_drawn_again_then_given_up(branch: Branch,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    account_id = funded(branch)
    numbers = iter(["2200990000000001", "2200990000000001", "2200990000000002"])
    monkeypatch.setattr(service, "new_pan", lambda _bin: next(numbers))
    service.issue_card(customer(ANN), "c-1", account_id, branch.db.unit_of_work)
    second = service.issue_card(customer(ANN), "c-2", account_id, branch.db.unit_of_work)
    assert second.body["last4"] == "0002" and len(branch.accounts.state["cards"]) == 2
    monkeypatch.setattr(service, "new_pan", lambda _bin: "2200990000000001")
    with pytest.raises(service.CardNumberUnavailable):
        service.issue_card(customer(ANN), "c-3", account_id, branch.db.unit_of_work)
    assert (f"card:{ANN}", "c-3") not in branch.db.connection.idempotency_keys  # the key stays free


def test_products_and_internal_lookups(branch: Branch) -> None:
    assert [p["code"] for p in branch.run(service.list_products)] == ["current", "savings", "current_overdraft"]
    account_id = funded(branch, balance=100)
    service.issue_card(customer(ANN), "c-1", account_id, branch.db.unit_of_work)
    with pytest.raises(Unprocessable):
        branch.run_owning(service.find_accounts, [], None, None, None)
    [found] = branch.run_owning(service.find_accounts, [], ANN, "RUB", None, with_balances=True, with_cards=True)
    assert found["balance"]["amount"] == "1.00" and len(found["cards"]) == 1
    assert branch.run_owning(service.find_accounts, [], BOB, None, None) == []
