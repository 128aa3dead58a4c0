"""The counterparty of each operation (docs/money.md#counterparty), in the fast tier over the in-memory ledger:
each side of a transaction sees its own other side, the ledger names the cash desk and the bank itself, a
capture names what its caller gave, and the history's search finds an operation by its counterparty's name."""

from __future__ import annotations

import uuid
from typing import Any
from uuid import UUID

from ledger_fakes import SERVICE, Bank, customer

from bank_shared.sql_filters import like_pattern as contains_pattern
from ledger_service import history, holds, interest, service
from ledger_service.postings import sides
from ledger_service.transfers import transfer_order

ANN, BOB = uuid.uuid4(), uuid.uuid4()
IVAN = {"kind": "person", "name": "Иван И."}


def feed(bank: Bank, owner: UUID, query: str | None = None) -> list[dict[str, Any]]:
    items, _ = bank.run(history.list_transactions, customer(owner), None, None, None, None, None, 10, query)
    return items  # type: ignore[no-any-return]


def test_sides_name_only_the_accounts_with_a_counterparty() -> None:
    ann, bob = uuid.uuid4(), uuid.uuid4()
    assert sides((ann, IVAN), (bob, None)) == {str(ann): IVAN}
    assert sides((ann, None), (bob, None)) is None  # bug: an empty object stored instead of nothing


def test_a_transfer_hands_each_sides_counterparty_to_the_database() -> None:
    ann, bob = uuid.uuid4(), uuid.uuid4()
    parties = sides((ann, IVAN), (bob, {"kind": "person", "name": "Анна П."}))
    order = transfer_order(customer(ANN), "k", ann, bob, 100, "RUB", "", parties)
    assert order.as_json()["counterparties"] == {str(ann): IVAN, str(bob): {"kind": "person", "name": "Анна П."}}
    assert transfer_order(customer(ANN), "k", ann, bob, 100, "RUB", "").as_json()["counterparties"] is None


def test_a_cash_deposit_names_the_cash_desk_and_a_card_top_up_its_card(bank: Bank) -> None:
    bank.ledger.system_account("cash")
    bank.ledger.system_account("settlement")
    account = bank.ledger.customer_account(ANN)
    bank.run(service.topup, SERVICE, "t-1", account, 100, "RUB")
    card = {"kind": "card", "name": "•• 4242"}
    bank.run(service.topup, SERVICE, "t-2", account, 100, "RUB", "settlement", counterparty=card)
    assert [item["counterparty"] for item in feed(bank, ANN)] == [card, {"kind": "cash_desk"}]


def test_interest_names_the_bank(bank: Bank) -> None:
    bank.ledger.system_account("interest_expense")
    bank.ledger.system_account("accrued_interest")
    account = bank.ledger.customer_account(ANN)
    bank.run(interest.post_interest, SERVICE, "i-1", "accrue", account, 50, "RUB", "interest")
    bank.run(interest.post_interest, SERVICE, "i-2", "capitalize", account, 50, "RUB", "interest")
    assert [item["counterparty"] for item in feed(bank, ANN)] == [{"kind": "bank"}]


def test_a_capture_names_the_merchant_on_the_payers_side_only(bank: Bank) -> None:
    payer = bank.ledger.customer_account(ANN, balance=1_000)
    shop = bank.ledger.customer_account(BOB)
    hold = bank.run(holds.create_hold, SERVICE, "h-1", payer, 300, "RUB")
    merchant = {"kind": "merchant", "name": "Кофейня"}
    bank.run(holds.capture_hold, SERVICE, "c-1", UUID(hold.body["id"]), shop, None, "coffee", merchant)
    assert feed(bank, ANN)[0]["counterparty"] == merchant
    assert feed(bank, BOB)[0]["counterparty"] is None


def test_search_finds_an_operation_by_its_counterpartys_name_or_text(bank: Bank) -> None:
    payer = bank.ledger.customer_account(ANN, balance=1_000)
    shop = bank.ledger.customer_account(BOB)
    for n, name in enumerate(("Иван И.", "Кофейня")):
        hold = bank.run(holds.create_hold, SERVICE, f"h-{n}", payer, 100, "RUB")
        bank.run(holds.capture_hold, SERVICE, f"c-{n}", UUID(hold.body["id"]), shop, None, f"note {n}",
                 {"kind": "merchant", "name": name})
    assert [item["description"] for item in feed(bank, ANN, "иван")] == ["note 0"]
    assert [item["description"] for item in feed(bank, ANN, "NOTE 1")] == ["note 1"]
    assert feed(bank, BOB, "Иван") == []  # the other side sees its own counterparty (none), not the payer's


def test_search_text_is_a_parameter_whose_wildcards_match_themselves() -> None:
    assert contains_pattern("Иван") == "%Иван%"
    assert contains_pattern("100%") == "%100\\%%"  # bug: "%" would match every operation
    assert contains_pattern("a_b") == "%a\\_b%"  # bug: "_" would match any one character
    assert contains_pattern("c:\\x") == "%c:\\\\x%"  # bug: a backslash would escape the next character


def test_a_reversal_names_the_same_counterparty_and_the_transaction_view_carries_them(bank: Bank) -> None:
    bank.ledger.system_account("cash")
    account = bank.ledger.customer_account(ANN)
    done = bank.run(service.topup, SERVICE, "t-1", account, 100, "RUB")
    transaction_id = UUID(done.body["transaction_id"])
    bank.run(service.reverse, SERVICE, "r-1", transaction_id, "", service.StaffAction("e1", "e2"))
    assert [item["counterparty"] for item in feed(bank, ANN)] == [{"kind": "cash_desk"}] * 2
    view = bank.run(service.get_transaction, transaction_id)
    assert view["counterparties"] == {str(account): {"kind": "cash_desk"}}


def test_the_search_clause_compares_caselessly_in_any_alphabet_and_escapes() -> None:
    from psycopg import sql

    from bank_shared.sql_filters import Filter

    where = Filter().search(("t.description",), "Иван")
    clause = where.clause().as_string(None)
    # bug: under the C locale ILIKE folds ASCII only ("иван" missed "Иван")
    assert clause == """ WHERE (((t.description) COLLATE "und-x-icu") ILIKE %s ESCAPE '\\')"""
    assert where.params == ["%Иван%"]
    assert isinstance(where.clause(), sql.Composable)
