"""Who sees which postings, in the fast tier over the in-memory ledger: a customer their own only (another's
account is "not found"), staff only when naming an account, services through the owner's feed."""

from __future__ import annotations

import uuid
from typing import Any
from uuid import UUID

import pytest
from ledger_fakes import SERVICE, STAFF, Bank, customer

from bank_shared.errors import AccountNotFound, Unprocessable
from ledger_service import history, service

ANN, BOB = uuid.uuid4(), uuid.uuid4()


def world(bank: Bank) -> tuple[UUID, UUID]:
    bank.ledger.system_account("cash")
    ann, bob = bank.ledger.customer_account(ANN), bank.ledger.customer_account(BOB)
    for n, account in enumerate((ann, bob, ann)):
        bank.run(service.topup, SERVICE, f"t-{n}", account, 100 * (n + 1), "RUB", description=f"n{n}")
    return ann, bob


def listing(bank: Bank, principal: Any, account: UUID | None = None, limit: int = 10) -> Any:
    return bank.run(history.list_transactions, principal, account, None, None, None, None, limit)


def test_a_customer_lists_only_their_own_postings(bank: Bank) -> None:
    ann, bob = world(bank)
    items, cursor = listing(bank, customer(ANN))
    assert [i["account_id"] for i in items] == [str(ann), str(ann)] and cursor is None
    assert [i["description"] for i in items] == ["n2", "n0"] and items[0]["direction"] == "credit"
    assert len(listing(bank, customer(ANN), ann)[0]) == 2
    with pytest.raises(AccountNotFound):
        listing(bank, customer(ANN), bob)


def test_a_page_ends_with_a_cursor_when_more_remain(bank: Bank) -> None:
    world(bank)
    items, cursor = listing(bank, customer(ANN), limit=1)
    assert len(items) == 1 and cursor is not None


def test_staff_must_name_an_account_and_then_see_it(bank: Bank) -> None:
    _, bob = world(bank)
    with pytest.raises(Unprocessable):
        listing(bank, STAFF)
    assert [i["account_id"] for i in listing(bank, STAFF, bob)[0]] == [str(bob)]


def test_a_subject_that_is_no_customer_id_sees_nothing(bank: Bank) -> None:
    world(bank)
    assert listing(bank, SERVICE) == ([], None)


def test_the_owner_feed_is_the_owners_postings(bank: Bank) -> None:
    ann, _ = world(bank)
    feed = bank.run(history.owner_transactions, ANN, 10)
    assert {i["account_id"] for i in feed} == {str(ann)} and len(feed) == 2
