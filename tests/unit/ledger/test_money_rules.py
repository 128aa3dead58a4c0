"""The ledger's money rules in the fast tier over the in-memory ledger: every posting balances, top-ups and
reversals respect the overdraft limit and the balance ceiling, a reversal happens once and never touches a closed
account, an exchange balances per currency once per quote, and a transfer request carries the ownership rule.
Each test names the bug that makes it fail."""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Any
from uuid import UUID

import pytest
from ledger_fakes import SERVICE, STAFF, Bank, customer

from bank_shared.errors import (
    AccountClosed,
    AccountNotFound,
    AlreadyReversed,
    CurrencyMismatch,
    IdempotencyKeyReused,
    IdempotencyRequestInFlight,
    SameAccount,
    TransactionNotFound,
    TransactionNotReversible,
)
from ledger_service import currency_exchange, service
from ledger_service.currency_exchange import ExchangeOrder, QuoteAlreadyExchanged
from ledger_service.postings import AccountConflict, BalanceLimitExceeded
from ledger_service.transfers import transfer_order

OWNER = uuid.uuid4()


def topup(bank: Bank, account: UUID, amount: int, key: str = "t-1", **kwargs: Any) -> Any:
    return bank.run(service.topup, SERVICE, key, account, amount, "RUB", **kwargs)


def test_a_topup_posts_one_balanced_transaction_from_the_source_account(bank: Bank) -> None:
    cash = bank.ledger.system_account("cash")
    account = bank.ledger.customer_account(OWNER)
    result = topup(bank, account, 150_000, description="salary")
    assert result.status == 201 and result.body["type"] == "topup"
    assert result.body["from_account_id"] == str(cash) and result.body["to_account_id"] == str(account)
    legs = bank.ledger.postings_of(UUID(result.body["transaction_id"]))
    assert {(leg.account_id, leg.amount) for leg in legs} == {(cash, -150_000), (account, 150_000)}
    assert bank.ledger.account(account)["balance"] == 150_000 and bank.ledger.account(cash)["balance"] == -150_000
    event = bank.events("payment.executed")[0]
    assert event["data"]["amount_minor"] == 150_000 and event["data"]["initiated_by"] == SERVICE.actor
    assert topup(bank, account, 150_000, description="salary").replayed  # once per key
    assert bank.ledger.account(account)["balance"] == 150_000
    with pytest.raises(IdempotencyKeyReused):
        topup(bank, account, 1, description="salary")


def test_an_issuance_comes_from_the_issuance_account_and_staff_actions_are_recorded(bank: Bank) -> None:
    issuance = bank.ledger.system_account("issuance")
    account = bank.ledger.customer_account(OWNER)
    action = service.StaffAction(requested_by="maker", approved_by="checker")
    result = topup(bank, account, 500, kind="issuance", action=action)
    transaction = bank.ledger.get_transaction(UUID(result.body["transaction_id"]))
    assert transaction is not None and transaction.kind == "issuance"
    assert (transaction.initiated_by, transaction.approved_by) == ("maker", "checker")
    assert bank.ledger.account(issuance)["balance"] == -500


def test_a_topup_needs_a_source_account_in_the_currency_and_an_active_account(bank: Bank) -> None:
    account = bank.ledger.customer_account(OWNER)
    with pytest.raises(CurrencyMismatch):
        topup(bank, account, 1)  # no cash account in RUB
    bank.ledger.system_account("cash")
    bank.ledger.system_account("cash", "USD")
    closed = bank.ledger.customer_account(OWNER, status="closed")
    with pytest.raises(AccountClosed):
        topup(bank, closed, 1, key="t-2")
    with pytest.raises(CurrencyMismatch):
        bank.run(service.topup, SERVICE, "t-3", account, 1, "USD")
    assert bank.ledger.legs() == []


def test_a_credit_past_the_balance_ceiling_is_refused_and_announced(bank: Bank) -> None:
    bank.ledger.system_account("cash")
    account = bank.ledger.customer_account(OWNER, balance=900, max_balance=1_000)
    result = topup(bank, account, 101)
    assert (result.status, result.body["code"]) == (422, "balance_limit_exceeded")
    assert bank.ledger.account(account)["balance"] == 900 and bank.ledger.legs() == []  # the savepoint rolled back
    assert bank.events("payment.failed")[0]["data"]["reason"] == "balance_limit_exceeded"
    assert topup(bank, account, 100, key="t-2").status == 201


def test_every_posting_balances(bank: Bank) -> None:
    bank.ledger.system_account("cash")
    account = bank.ledger.customer_account(OWNER)
    for n in range(3):
        topup(bank, account, 1_000 * (n + 1), key=f"t-{n}")
    assert len(bank.ledger.legs()) == 6 and sum(leg["amount"] for leg in bank.ledger.legs()) == 0


def test_a_reversal_moves_the_money_back_once(bank: Bank) -> None:
    cash = bank.ledger.system_account("cash")
    account = bank.ledger.customer_account(OWNER)
    original = UUID(topup(bank, account, 7_000).body["transaction_id"])
    action = service.StaffAction(requested_by="maker", approved_by="checker")
    result = bank.run(service.reverse, STAFF, "r-1", original, "", action)
    assert result.status == 201 and result.body["reverses"] == str(original)
    assert bank.ledger.account(account)["balance"] == 0 and bank.ledger.account(cash)["balance"] == 0
    view = bank.run(service.get_transaction, original)
    assert view["reversed_by"] == result.body["transaction_id"] and view["type"] == "topup"
    reversal = bank.run(service.get_transaction, UUID(result.body["transaction_id"]))
    assert reversal["reverses"] == str(original) and reversal["description"] == f"Reversal of {original}"
    assert reversal["approved_by"] == "checker"
    assert {p["direction"] for p in reversal["postings"]} == {"credit", "debit"}
    with pytest.raises(AlreadyReversed):
        bank.run(service.reverse, STAFF, "r-2", original, "", action)


def test_a_reversal_respects_the_limit_closed_accounts_and_kinds(bank: Bank) -> None:
    bank.ledger.system_account("cash")
    spent = bank.ledger.customer_account(OWNER)
    closed = bank.ledger.customer_account(OWNER)
    action = service.StaffAction(requested_by="maker", approved_by="checker")
    first = UUID(topup(bank, spent, 7_000).body["transaction_id"])
    bank.ledger.account(spent)["balance"] = 1_000  # most of it spent since
    refused = bank.run(service.reverse, STAFF, "r-1", first, "", action)
    assert (refused.status, refused.body["code"]) == (422, "insufficient_funds")
    assert bank.ledger.reversal_of(first) is None and bank.ledger.account(spent)["balance"] == 1_000
    second = UUID(topup(bank, closed, 100, key="t-2").body["transaction_id"])
    bank.ledger.set_status(closed, "closed")
    with pytest.raises(AccountClosed):
        bank.run(service.reverse, STAFF, "r-2", second, "", action)
    with pytest.raises(TransactionNotFound):
        bank.run(service.reverse, STAFF, "r-3", uuid.uuid4(), "", action)
    with pytest.raises(TransactionNotFound):
        bank.run(service.get_transaction, uuid.uuid4())
    bank.ledger.state["transactions"][second]["kind"] = "exchange"
    with pytest.raises(TransactionNotReversible):
        bank.run(service.reverse, STAFF, "r-4", second, "", action)


def order(source: UUID, target: UUID, sell: int = 10_000, buy: int = 110, owner: UUID = OWNER) -> ExchangeOrder:
    return ExchangeOrder(uuid.uuid4(), owner, source, target, sell, "RUB", buy, "USD", Decimal("0.011"))


def test_an_exchange_balances_in_each_currency_once_per_quote(bank: Bank) -> None:
    rub_position = bank.ledger.system_account("fx_position", "RUB")
    usd_position = bank.ledger.system_account("fx_position", "USD")
    rubles = bank.ledger.customer_account(OWNER, balance=20_000)
    dollars = bank.ledger.customer_account(OWNER, currency="USD")
    quote = order(rubles, dollars)
    result = bank.run(currency_exchange.exchange, SERVICE, "x-1", quote)
    assert result.status == 201 and result.body["rate"] == "0.011"
    assert bank.ledger.account(rubles)["balance"] == 10_000 and bank.ledger.account(dollars)["balance"] == 110
    assert bank.ledger.account(rub_position)["balance"] == 10_000
    assert bank.ledger.account(usd_position)["balance"] == -110
    with pytest.raises(QuoteAlreadyExchanged):  # the same quote under another key
        bank.run(currency_exchange.exchange, SERVICE, "x-2", quote)
    assert bank.ledger.account(dollars)["balance"] == 110


def test_an_exchange_needs_the_customers_own_active_accounts_and_funds(bank: Bank) -> None:
    bank.ledger.system_account("fx_position", "RUB")
    bank.ledger.system_account("fx_position", "USD")
    rubles = bank.ledger.customer_account(OWNER, balance=5_000)
    dollars = bank.ledger.customer_account(OWNER, currency="USD")
    strangers = bank.ledger.customer_account(uuid.uuid4(), currency="USD")
    with pytest.raises(AccountNotFound):
        bank.run(currency_exchange.exchange, SERVICE, "x-1", order(rubles, strangers))
    with pytest.raises(SameAccount):
        bank.run(currency_exchange.exchange, SERVICE, "x-2", order(rubles, rubles))
    with pytest.raises(CurrencyMismatch):
        bank.run(currency_exchange.exchange, SERVICE, "x-3", order(dollars, rubles))
    refused = bank.run(currency_exchange.exchange, SERVICE, "x-4", order(rubles, dollars))
    assert (refused.status, refused.body["code"]) == (422, "insufficient_funds")
    assert bank.ledger.legs() == [] and bank.events("payment.failed")[0]["data"]["operation"] == "exchange"


def test_registering_an_account_is_idempotent_and_refuses_other_attributes(bank: Bank) -> None:
    account_id = uuid.uuid4()
    row = bank.run(service.register_account, account_id, OWNER, "RUB", 5_000)
    assert row.overdraft_limit == 5_000
    assert bank.run(service.register_account, account_id, OWNER, "RUB").id == account_id
    with pytest.raises(AccountConflict):
        bank.run(service.register_account, account_id, uuid.uuid4(), "RUB")
    with pytest.raises(AccountConflict):
        bank.run(service.register_account, account_id, OWNER, "USD")


def test_balances_list_only_customer_accounts(bank: Bank) -> None:
    account = bank.ledger.customer_account(OWNER, balance=100, held=30, overdraft_limit=50)
    system = bank.ledger.system_account("cash")
    [view] = bank.run(service.get_balances, [account, system])
    assert view["available"]["amount"] == "0.70" and view["overdraft_limit"]["amount"] == "0.50"


# transfers: the rule set is PL/pgSQL (proven against PostgreSQL); the request Python prepares carries it -----------

def test_a_customers_transfer_request_names_them_as_the_owner_staff_and_services_none(bank: Bank) -> None:
    source, target = uuid.uuid4(), uuid.uuid4()
    mine = transfer_order(customer(OWNER), "k", source, target, 100, "RUB", "rent")
    assert mine.owner == str(OWNER) and mine.scope == f"transfer:{OWNER}"
    assert mine.initiated_by == str(OWNER) and mine.amount == 100
    assert mine.refused_body["code"] == "insufficient_funds"
    assert transfer_order(SERVICE, "k", source, target, 100, "RUB", "").owner is None
    assert transfer_order(STAFF, "k", source, target, 100, "RUB", "").owner is None
    with pytest.raises(SameAccount):
        transfer_order(customer(OWNER), "k", source, source, 100, "RUB", "")


def transfer(bank: Bank, key: str) -> Any:
    """POST /transfer's use case: its own transaction on the environment's (fake) connection."""
    return service.submit_transfer(bank.db.connection, customer(OWNER), key, uuid.uuid4(), uuid.uuid4(), 100,  # type: ignore[arg-type]
                                   "RUB")


@pytest.mark.parametrize(("error", "raised"), [
    ("in_flight", IdempotencyRequestInFlight), ("idempotency_key_reused", IdempotencyKeyReused),
    ("account_not_found", AccountNotFound), ("account_closed", AccountClosed),
    ("currency_mismatch", CurrencyMismatch), ("balance_limit_exceeded", BalanceLimitExceeded),
    ("something_else", RuntimeError)])
def test_each_transfer_error_becomes_its_problem(bank: Bank, error: str, raised: type[Exception]) -> None:
    bank.ledger.transfer_outcomes.append({"error": error, "account_id": str(uuid.uuid4())})
    with pytest.raises(raised):
        transfer(bank, "k")


def test_a_transfer_answers_executed_refused_or_replayed(bank: Bank) -> None:
    bank.ledger.transfer_outcomes += [
        {"replayed": False, "status": 201, "created_at": "2026-12-01T12:00:00Z"},
        {"replayed": False, "status": 422},
        {"replayed": True, "status": 201, "body": {"stored": True}}]
    executed = transfer(bank, "k")
    assert executed.status == 201 and executed.body["created_at"] == "2026-12-01T12:00:00Z"
    assert executed.body["amount"] == {"amount": "1.00", "currency": "RUB"}
    refused = transfer(bank, "k2")
    assert (refused.status, refused.body["code"], refused.replayed) == (422, "insufficient_funds", False)
    replayed = transfer(bank, "k")
    assert replayed.replayed and replayed.body == {"stored": True}


# submit_transfer: its own transactions, and the per-account combiner when the source account is busy ----------

OUTCOME = {"replayed": False, "status": 201, "created_at": "2026-12-01T12:00:00Z"}


def submit(bank: Bank, source: UUID) -> Any:
    return service.submit_transfer(bank.db.connection, customer(OWNER), "k", source, uuid.uuid4(), 100, "RUB")  # type: ignore[arg-type]


def test_an_uncontended_transfer_is_one_statement(bank: Bank) -> None:
    bank.ledger.transfer_outcomes.append(OUTCOME)
    assert submit(bank, uuid.uuid4()).status == 201 and bank.ledger.combiner_calls == []


def test_submit_transfer_refuses_an_open_transaction(bank: Bank) -> None:
    with bank.db.unit_of_work(), pytest.raises(RuntimeError):
        submit(bank, uuid.uuid4())
    assert bank.ledger.transfer_requests == []


def test_a_busy_account_queues_and_the_leader_applies_the_batch_then_steps_down(bank: Bank) -> None:
    source = uuid.uuid4()
    bank.ledger.busy.add(source)
    bank.ledger.combiner_script += ["leader", None, OUTCOME]
    assert submit(bank, source).status == 201
    assert bank.ledger.combiner_calls == [("listen", source), ("enqueue", source), ("lead", service.COMBINER_BATCH),
                                          ("lead", service.COMBINER_BATCH), ("step_down", source)]
    bank.ledger.combiner_script += ["leader", OUTCOME]
    submit(bank, source)
    assert bank.ledger.combiner_calls.count(("listen", source)) == 1  # one LISTEN per connection and account


def test_a_waiter_polls_until_its_outcome_or_its_turn_to_lead(bank: Bank) -> None:
    source = uuid.uuid4()
    bank.ledger.busy.add(source)
    bank.ledger.combiner_script += ["waiter", {"outcome": None, "leader": False}, {"outcome": None, "leader": True},
                                    OUTCOME]
    assert submit(bank, source).status == 201
    assert [call for call, _ in bank.ledger.combiner_calls] == ["listen", "enqueue", "poll", "poll", "lead",
                                                                "step_down"]
    bank.ledger.combiner_script += ["waiter", {"outcome": {**OUTCOME, "status": 422}}]
    assert submit(bank, source).body["code"] == "insufficient_funds"
