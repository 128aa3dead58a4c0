"""P2P transfer and exchange use cases against a fake of the services: checks, recipient resolution,
per-customer key namespace, and the owner's answers passed through unchanged."""

from __future__ import annotations

from uuid import UUID

import pytest
from customer_fakes import ALICE, BOB, CAROL, FakeServices, account

from bank_shared.errors import AppError, TooManyRequests
from bank_shared.http import Answer
from customer_service import service


class Budget:
    """Recipient lookups spent per customer; raises once `allowed` are spent."""

    def __init__(self, allowed: int = 100) -> None:
        self.allowed, self.spent = allowed, 0

    def __call__(self, user_id: UUID) -> None:
        self.spent += 1
        if self.spent > self.allowed:
            raise TooManyRequests("spent", headers={"Retry-After": "60"})


def transfer(services: FakeServices, transfer_order: service.TransferOrder, budget: Budget | None = None) -> Answer:
    return service.transfer(services, "k-1", transfer_order, 1.0, budget or Budget())


def order(services: FakeServices, **changes: object) -> service.TransferOrder:
    source = services.account_of(ALICE, "RUB")
    fields: dict[str, object] = {"user_id": ALICE, "from_account_id": UUID(source["id"]), "amount": "10.50",
                                 "currency": "RUB", "to_phone": "+7 (900) 123-45-67"}
    fields.update(changes)
    return service.TransferOrder(**fields)  # type: ignore[arg-type]


def code_of(services: FakeServices, transfer_order: service.TransferOrder) -> str:
    with pytest.raises(AppError) as raised:
        transfer(services, transfer_order)
    return raised.value.code


def test_by_phone_resolves_the_recipients_account_in_the_currency(services: FakeServices) -> None:
    answer = transfer(services, order(services))
    assert answer.status == 201
    sent = next(detail for name, detail in services.calls if name == "transfer")
    assert sent["to_account_id"] == services.account_of(BOB, "RUB")["id"]
    assert sent["key"] == f"p2p:{ALICE}:k-1"
    assert (sent["amount"], sent["currency"]) == ("10.50", "RUB")
    assert answer.body["recipient"] == {"account_number": "6" * 20, "name": "Bob B. J."}


def test_by_account_number(services: FakeServices) -> None:
    answer = transfer(services, order(services, to_phone=None, to_account_number="6" * 20))
    assert answer.status == 201 and answer.body["recipient"]["name"] == "Bob B. J."


def test_by_account_number_without_the_owners_name(services: FakeServices) -> None:
    services.failing = {"profile"}
    answer = transfer(services, order(services, to_phone=None, to_account_number="6" * 20))
    assert answer.status == 201 and answer.body["recipient"]["name"] is None


def test_preview_shows_the_masked_recipient_amount_fee_and_source(services: FakeServices) -> None:
    budget = Budget()
    shown = service.preview(services, order(services), 1.0, budget)
    source = services.account_of(ALICE, "RUB")
    assert shown == {"from_account_id": source["id"], "from_account_number": source["number"],
                     "recipient": {"name": "Bob B. J.", "account_number_masked": "•• 6666"},
                     "amount": {"amount": "10.50", "currency": "RUB"}, "fee": {"amount": "0.00", "currency": "RUB"},
                     "total": {"amount": "10.50", "currency": "RUB"}}
    assert budget.spent == 1 and not [name for name, _ in services.calls if name == "transfer"]


def test_preview_checks_funds_before_the_lookup(services: FakeServices) -> None:
    budget = Budget()
    with pytest.raises(AppError) as raised:
        service.preview(services, order(services, amount="1000.00", to_phone="+1 555 000 0000"), 1.0, budget)
    assert raised.value.code == "insufficient_funds" and budget.spent == 0


def test_unknown_phone_and_number(services: FakeServices) -> None:
    assert code_of(services, order(services, to_phone="+1 555 000 0000")) == "recipient_not_found"
    assert code_of(services, order(services, to_phone=None, to_account_number="9" * 20)) == "recipient_not_found"


def test_recipient_without_an_account_in_the_currency(services: FakeServices) -> None:
    source = services.account_of(ALICE, "USD")
    assert code_of(services, order(services, from_account_id=UUID(source["id"]), currency="USD")) \
        == "recipient_not_found"


def test_shared_phone_is_ambiguous(services: FakeServices) -> None:
    services.phone_matches = [services.users[BOB], {"id": str(CAROL), "full_name": "Carol"}]
    assert code_of(services, order(services)) == "recipient_ambiguous"


def test_same_account(services: FakeServices) -> None:
    assert code_of(services, order(services, to_phone=None, to_account_number="4" * 20)) == "same_account"


def test_someone_elses_source_account_looks_not_found(services: FakeServices) -> None:
    bobs = services.account_of(BOB, "RUB")
    assert code_of(services, order(services, from_account_id=UUID(bobs["id"]))) == "account_not_found"
    assert not [c for c in services.calls if c[0] == "transfer"]


def test_closed_accounts(services: FakeServices) -> None:
    services.account_of(BOB, "RUB")["status"] = "closed"
    services.accounts_list.append(account(CAROL, "RUB", "7" * 20, status="closed"))
    assert code_of(services, order(services)) == "recipient_not_found"  # no open RUB account by phone
    assert code_of(services, order(services, to_phone=None, to_account_number="7" * 20)) == "account_closed"
    services.account_of(ALICE, "RUB")["status"] = "closed"
    assert code_of(services, order(services)) == "account_closed"


def test_currency_mismatch_and_bad_amount(services: FakeServices) -> None:
    assert code_of(services, order(services, currency="USD")) == "currency_mismatch"
    assert code_of(services, order(services, amount="1.001")) == "invalid_amount"


def test_ledger_refusal_passes_through(services: FakeServices) -> None:
    problem = {"status": 422, "code": "insufficient_funds", "title": "Insufficient funds"}
    services.ledger_answer = Answer(422, problem, replayed=True)
    answer = transfer(services, order(services))
    assert (answer.status, answer.body, answer.replayed) == (422, problem, True)


def test_an_empty_account_learns_nothing_about_the_recipient(services: FakeServices) -> None:
    """F11: without the money, a known and an unknown phone (or number) answer the same, before any lookup."""
    services.account_of(ALICE, "RUB")["available"] = {"amount": "5.00", "currency": "RUB"}
    known, unknown = order(services), order(services, to_phone="+1 555 000 0000")
    assert code_of(services, known) == code_of(services, unknown) == "insufficient_funds"
    by_number = order(services, to_phone=None, to_account_number="9" * 20)
    assert code_of(services, by_number) == "insufficient_funds"
    assert not [c for c in services.calls if c[0] in ("users_by_phone", "transfer")]
    assert all(detail["ids"] for name, detail in services.calls if name == "accounts")  # only the source read


def test_an_overdraft_counts_as_funds(services: FakeServices) -> None:
    source = services.account_of(ALICE, "RUB")
    source["available"], source["overdraft"] = {"amount": "-20.00", "currency": "RUB"}, "40.00"
    assert transfer(services, order(services)).status == 201  # 10.50 <= -20.00 + 40.00


def test_an_unknown_balance_is_an_outage_not_a_lookup(services: FakeServices) -> None:
    services.account_of(ALICE, "RUB")["available"] = None
    assert code_of(services, order(services)) == "dependency_unavailable"
    assert not [c for c in services.calls if c[0] == "users_by_phone"]


def test_recipient_lookups_are_limited_per_customer(services: FakeServices) -> None:
    budget = Budget(allowed=2)
    assert transfer(services, order(services), budget).status == 201
    with pytest.raises(AppError):
        transfer(services, order(services, to_phone="+1 555 000 0000"), budget)  # not found: still spent
    with pytest.raises(TooManyRequests) as raised:
        transfer(services, order(services), budget)
    assert raised.value.headers["Retry-After"] == "60"
    assert len([c for c in services.calls if c[0] == "users_by_phone"]) == 2


def test_long_keys_are_hashed_into_the_namespace() -> None:
    forwarded = service.forwarded_key(ALICE, "x" * 255)
    assert forwarded.startswith(f"p2p:{ALICE}:") and len(forwarded) < 255


def test_exchange_quotes_then_executes_under_the_customers_key(services: FakeServices) -> None:
    usd, rub = services.account_of(ALICE, "USD"), services.account_of(ALICE, "RUB")
    answer = service.exchange(services, "k-9", service.ExchangeOrder(ALICE, UUID(usd["id"]), UUID(rub["id"]),
                                                                     "5.00", "USD"))
    assert answer.replayed and answer.body["status"] == "executed"
    (_, quote), (_, execute) = [c for c in services.calls if c[0].startswith("fx_")]
    assert quote["key"] == execute["key"] == "k-9"
    assert quote["owner_id"] == execute["owner_id"] == str(ALICE)
    assert execute["quote_id"] == "q-1"


def test_a_russian_full_name_shows_the_first_name_and_the_surnames_initial() -> None:
    assert service.mask_name("Сидоров Пётр Ильич") == "Пётр С."  # noqa: RUF001
    assert service.mask_name("Ivan Petrov") == "Ivan P."
    assert service.mask_name("") is None


def test_the_ledger_records_each_sides_masked_counterparty(services: FakeServices) -> None:
    transfer(services, order(services))
    sent = next(detail for name, detail in services.calls if name == "transfer")
    assert sent["sender_sees"] == {"kind": "person", "name": "Bob B. J."}
    assert sent["recipient_sees"] == {"kind": "person", "name": "Alice S."}
    assert "Smith" not in str(sent) and "Brown" not in str(sent) and "+7" not in str(sent)


def test_an_unknown_name_records_no_counterparty_and_still_pays(services: FakeServices) -> None:
    services.failing = {"profile"}
    answer = transfer(services, order(services, to_phone=None, to_account_number="6" * 20))
    sent = next(detail for name, detail in services.calls if name == "transfer")
    assert answer.status == 201
    assert (sent["sender_sees"], sent["recipient_sees"]) == (None, None)
