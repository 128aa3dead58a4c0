"""Card authorizations, clearings and reversals against fakes of the repository, the ledger and the rates: the
limit and status declines with their codes, the hold and its capture or release, a smaller clearing, and
idempotency — a repeated message (same RRN) never holds, captures or voids twice; an outage mid-way is
settled by the sweep."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID

import pytest

from accounts_service import card_clients, card_service, card_settlement, ledger_client
from accounts_service.card_repository import Authorization, CardLimits, CardWithAccount
from accounts_service.card_service import FollowUp, Purchase
from bank_shared.http import Answer
from bank_shared.rows import row_as, row_or_none, rows_as
from tests.support.card_fakes import FakeLedger, FakeRates, FakeRegistry

CARD, ACCOUNT = uuid.uuid4(), uuid.uuid4()


class FakeUow:
    connection = None

    def __enter__(self) -> FakeUow:
        return self

    def __exit__(self, *args: object) -> None:
        return None


class FakeRepository:
    """The SQL's effects, in memory (the SQL itself runs in tests/integration/accounts)."""

    cards: dict[UUID, dict[str, Any]] = {}
    limit_rows: dict[UUID, dict[str, Any]] = {}
    rows: dict[str, dict[str, Any]] = {}

    def __init__(self, _connection: Any) -> None:
        pass

    def card_with_account(self, card_id: UUID, *, lock: bool = False) -> CardWithAccount | None:
        return row_or_none(CardWithAccount, self.cards.get(card_id))

    def limits(self, card_id: UUID) -> CardLimits | None:
        return row_or_none(CardLimits, self.limit_rows.get(card_id))

    def spent_since(self, card_id: UUID, day_start: datetime, month_start: datetime) -> tuple[int, int]:
        spent = [(r["created_at"], r["cleared_amount"] or r["billed_amount"]) for r in self.rows.values()
                 if r["card_id"] == card_id and r["status"] in ("holding", "approved", "cleared")]
        return (sum(a for t, a in spent if t >= day_start), sum(a for t, a in spent if t >= month_start))

    def authorization(self, rrn: str, *, lock: bool = False) -> Authorization | None:
        return row_or_none(Authorization, self.rows.get(rrn))

    def insert_authorization(self, values: dict[str, Any]) -> Authorization:
        now = datetime.now(UTC)
        row = {**values, "auth_code": None, "hold_id": None, "cleared_amount": None, "transaction_id": None,
               "created_at": now, "updated_at": now}
        self.rows[values["rrn"]] = row
        return row_as(Authorization, row)

    def transition(self, authorization_id: UUID, from_status: str, to_status: str,
                   **fields: Any) -> Authorization | None:
        row = next(r for r in self.rows.values() if r["id"] == authorization_id)
        if row["status"] != from_status:
            return None
        row.update(fields, status=to_status)
        return row_as(Authorization, row)

    def stale(self, now: datetime, holding_before: datetime, limit: int) -> list[Authorization]:
        return rows_as(Authorization, (r for r in self.rows.values()
                                       if (r["status"] == "approved" and r["expires_at"] <= now)
                                       or (r["status"] == "holding" and r["created_at"] <= holding_before)))


@pytest.fixture
def ledger(monkeypatch: pytest.MonkeyPatch) -> FakeLedger:
    FakeRepository.cards = {CARD: {"id": CARD, "account_id": ACCOUNT, "status": "active", "expiry_month": 12,
                                   "expiry_year": datetime.now(UTC).year + 3, "owner_id": uuid.uuid4(),
                                   "currency": "RUB", "account_status": "active"}}
    FakeRepository.limit_rows, FakeRepository.rows = {}, {}
    fake = FakeLedger(available=100_000)  # 1000.00 RUB
    for module in (card_service, card_settlement):
        monkeypatch.setattr(module, "UnitOfWork", FakeUow)
        monkeypatch.setattr(module, "CardRepository", FakeRepository)
    monkeypatch.setattr(card_settlement, "_registered", set())
    card_clients.set_card_clients(fake, FakeRates())
    ledger_client.set_ledger(FakeRegistry())  # type: ignore[arg-type]
    yield fake
    card_clients.set_card_clients(None, None)
    ledger_client.set_ledger(None)


def purchase(rrn: str, amount: str, currency: str = "RUB", channel: str = "pos") -> dict[str, Any]:
    return card_service.authorize(Purchase("000001", rrn, CARD, amount, currency, "5411", channel, "Shop"))


def limits(**values: Any) -> None:
    FakeRepository.limit_rows[CARD] = {"card_id": CARD, "per_purchase": None, "daily": None, "monthly": None,
                                       "online_enabled": True, "cash_enabled": True, "updated_by": "test",
                                       "updated_at": datetime.now(UTC)} | values


def test_approved_purchase_holds_once_even_when_repeated(ledger: FakeLedger) -> None:
    first = purchase("000000000001", "100.00")
    assert first["response_code"] == "00" and first["mti"] == "0110" and len(first["auth_code"]) == 6
    again = purchase("000000000001", "100.00")
    assert again == first
    assert len(ledger.holds) == 1 and ledger.available == 90_000


def test_over_the_daily_limit_is_declined_61_and_holds_nothing(ledger: FakeLedger) -> None:
    limits(daily=15_000)
    assert purchase("000000000001", "100.00")["response_code"] == "00"
    declined = purchase("000000000002", "50.01")
    assert (declined["response_code"], declined["reason"]) == ("61", "daily_limit_exceeded")
    assert purchase("000000000003", "50.00")["response_code"] == "00"
    assert len(ledger.holds) == 2


def test_status_channel_and_funds_declines(ledger: FakeLedger) -> None:
    limits(online_enabled=False, cash_enabled=False)
    assert purchase("000000000001", "1.00", channel="online")["response_code"] == "57"
    assert purchase("000000000002", "1.00", channel="atm")["reason"] == "cash_disabled"
    short = purchase("000000000003", "1000.01")
    assert (short["response_code"], short["reason"]) == ("51", "insufficient_funds")
    FakeRepository.cards[CARD]["status"] = "blocked"
    assert purchase("000000000004", "1.00")["response_code"] == "62"
    unknown = card_service.authorize(Purchase("000001", "000000000005", uuid.uuid4(), "1.00", "RUB", "5411",
                                              "pos", "Shop"))
    assert unknown["response_code"] == "14"
    assert ledger.available == 100_000


def test_foreign_currency_converts_at_the_card_rate(ledger: FakeLedger) -> None:
    answer = purchase("000000000001", "10.00", currency="USD")
    assert (answer["billed_amount"], answer["billed_currency"]) == ("913.50", "RUB")  # 90 + 1.5 %
    assert ledger.available == 100_000 - 91_350
    assert purchase("000000000002", "10.00", currency="XAU")["response_code"] == "12"


def test_smaller_clearing_captures_it_and_releases_the_rest_once(ledger: FakeLedger) -> None:
    purchase("000000000001", "100.00")
    cleared = card_settlement.clear(FollowUp("000002", "000000000001", "80.00", "RUB"))
    assert (cleared["mti"], cleared["response_code"], cleared["billed_amount"]) == ("0230", "00", "80.00")
    assert card_settlement.clear(FollowUp("000003", "000000000001", "80.00", "RUB"))["response_code"] == "00"
    assert ledger.captured == [8000] and ledger.available == 92_000
    assert purchase("000000000001", "100.00")["billed_amount"] == "100.00"  # the 0110 replay: as authorized
    assert FakeRepository.rows["000000000001"]["status"] == "cleared"
    assert card_settlement.reverse(FollowUp("000004", "000000000001", "100.00", "RUB"))["response_code"] == "12"


def test_larger_clearing_is_refused_13_and_keeps_the_hold(ledger: FakeLedger) -> None:
    purchase("000000000001", "100.00")
    refused = card_settlement.clear(FollowUp("000002", "000000000001", "100.01", "RUB"))
    assert (refused["response_code"], refused["reason"]) == ("13", "clearing_exceeds_authorization")
    assert ledger.captured == [] and ledger.available == 90_000


def test_reversal_voids_once_and_unknown_rrn_is_25(ledger: FakeLedger) -> None:
    purchase("000000000001", "100.00")
    first = card_settlement.reverse(FollowUp("000002", "000000000001", "100.00", "RUB"))
    assert (first["mti"], first["response_code"]) == ("0410", "00")
    assert card_settlement.reverse(FollowUp("000003", "000000000001", "100.00", "RUB"))["response_code"] == "00"
    assert ledger.available == 100_000
    assert card_settlement.clear(FollowUp("000004", "000000000001", "1.00", "RUB"))["response_code"] == "12"
    assert card_settlement.reverse(FollowUp("000005", "999999999999", "1.00", "RUB"))["response_code"] == "25"


def test_outage_answers_91_and_the_sweep_settles_without_a_second_hold(ledger: FakeLedger) -> None:
    ledger.down = True
    assert purchase("000000000001", "100.00")["response_code"] == "91"
    assert FakeRepository.rows["000000000001"]["status"] == "holding"
    ledger.down = False
    FakeRepository.rows["000000000001"]["created_at"] -= timedelta(hours=1)
    assert card_settlement.sweep(FakeUow) == 1  # type: ignore[arg-type]
    row = FakeRepository.rows["000000000001"]
    assert (row["status"], row["response_code"]) == ("declined", "91")
    assert ledger.available == 100_000 and len(ledger.holds) == 1


def test_expired_authorizations_are_released_by_the_sweep(ledger: FakeLedger) -> None:
    purchase("000000000001", "100.00")
    FakeRepository.rows["000000000001"]["expires_at"] = datetime.now(UTC) - timedelta(seconds=1)
    assert card_settlement.sweep(FakeUow) == 1  # type: ignore[arg-type]
    assert FakeRepository.rows["000000000001"]["status"] == "expired" and ledger.available == 100_000
    assert card_settlement.sweep(FakeUow) == 0  # type: ignore[arg-type]


def test_a_hold_in_flight_is_no_decline(ledger: FakeLedger) -> None:
    """The same 0100 twice at once: the second finds the ledger still holding under the key (409 in flight) and
    answers 91 without declining the row, so the first's hold is never orphaned."""
    answers = ledger.answers
    ledger.answers = {}
    card_service_hold = ledger.hold
    ledger.hold = lambda key, body: Answer(409, {"code": "idempotency_request_in_flight"})  # type: ignore[method-assign]
    assert purchase("000000000001", "100.00")["response_code"] == "91"
    assert FakeRepository.rows["000000000001"]["status"] == "holding"
    ledger.hold, ledger.answers = card_service_hold, answers  # type: ignore[method-assign]
    assert purchase("000000000001", "100.00")["response_code"] == "00"  # the network's repeat finishes it
    assert len(ledger.holds) == 1
