"""A paid card top-up the ledger refuses for good is refunded to the card, once: pending -> refunding ->
refunded with one refund at the acquirer under a key derived from the top-up, however often the payment's
webhook, the refund's webhook and the sweep come; a transient refusal (busy, in flight) refunds nothing; a
refund cut short by an acquirer outage is finished by the sweep. One card_topup.refunded event, last four only."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from accounts_service import card_topups
from bank_shared.errors import DependencyUnavailable
from bank_shared.events.schemas import check_event_data
from bank_shared.http import Answer
from tests.unit.accounts.test_card_topups import EVENTS, OWNER, FakeAcquirer, FakeLedger, FakeTopups, _start
from tests.unit.accounts.test_card_topups import world as world  # the fixture, re-exported

World = tuple[FakeAcquirer, FakeLedger]
CLOSED = Answer(409, {"code": "account_closed", "title": "Account closed"})


def _paid(acquirer: FakeAcquirer) -> tuple[dict[str, object], dict[str, object]]:
    topup = _start()
    return topup, acquirer.finish(f"pay-{topup['id']}", "succeeded")


def test_a_definite_refusal_refunds_the_card_once(world: World) -> None:
    acquirer, ledger = world
    ledger.refusal = CLOSED
    topup, payment = _paid(acquirer)
    done = card_topups.apply_outcome(payment)
    assert done["status"] == "refunded" and done["failure_reason"] == "credit_refused:account_closed"
    assert done["card_mask"] == "411111******1111"
    card_topups.apply_outcome(payment)  # the payment's webhook again
    refund = acquirer.refunds[f"card-topup-refund-{topup['id']}"]
    assert card_topups.apply_refund(refund)["status"] == "refunded"  # the refund's webhook
    FakeTopups.rows[topup["id"]]["created_at"] -= timedelta(hours=1)
    card_topups.sweep(datetime.now(UTC))
    assert list(acquirer.refunds) == [f"card-topup-refund-{topup['id']}"]
    assert refund["amount"] == {"value": "1500.00", "currency": "RUB"}
    assert FakeTopups.rows[topup["id"]]["refund_id"] == refund["id"]
    [event] = EVENTS
    assert event.type == "card_topup.refunded" and event.data["card_last4"] == "1111"
    assert event.data["reason"] == "account_closed" and "411111" not in str(event.data)
    check_event_data(event.type, {**event.data})


@pytest.mark.parametrize("answer", [Answer(429, {"code": "rate_limited"}),
                                    Answer(409, {"code": "idempotency_request_in_flight"})])
def test_a_transient_refusal_refunds_nothing_and_asks_for_a_retry(world: World, answer: Answer) -> None:
    acquirer, ledger = world
    ledger.refusal = answer
    topup, payment = _paid(acquirer)
    with pytest.raises(DependencyUnavailable):
        card_topups.apply_outcome(payment)
    assert card_topups.get(OWNER, topup["id"])["status"] == "pending" and acquirer.refunds == {}
    ledger.refusal = None
    assert card_topups.apply_outcome(payment)["status"] == "succeeded" and EVENTS == []


def _refund_cut_short(world: World) -> dict[str, object]:
    """A paid top-up the ledger refused whose refund an acquirer outage cut short (the webhook answered 503)."""
    acquirer, ledger = world
    ledger.refusal, acquirer.refund_outage = CLOSED, True
    topup, payment = _paid(acquirer)
    with pytest.raises(DependencyUnavailable):
        card_topups.apply_outcome(payment)
    return topup


def test_the_sweep_finishes_a_refund_an_acquirer_outage_cut_short(world: World) -> None:
    acquirer, _ = world
    topup = _refund_cut_short(world)
    assert card_topups.get(OWNER, topup["id"])["status"] == "refunding" and EVENTS == []
    acquirer.refund_outage = False
    FakeTopups.rows[topup["id"]]["created_at"] -= timedelta(hours=1)
    assert card_topups.sweep(datetime.now(UTC)) == {"checked": 1, "settled": 1}
    assert card_topups.get(OWNER, topup["id"])["status"] == "refunded" and len(acquirer.refunds) == 1
    assert card_topups.sweep(datetime.now(UTC)) == {"checked": 0, "settled": 0} and len(EVENTS) == 1


def test_a_refund_the_acquirer_keeps_refusing_does_not_hold_back_the_sweep(world: World) -> None:
    acquirer, ledger = world
    stuck = _refund_cut_short(world)
    ledger.refusal = None
    behind = _start(key="behind")
    acquirer.finish(f"pay-{behind['id']}", "succeeded")
    for topup in (stuck, behind):
        FakeTopups.rows[topup["id"]]["created_at"] -= timedelta(hours=1)
    assert card_topups.sweep(datetime.now(UTC)) == {"checked": 2, "settled": 1}
    assert card_topups.get(OWNER, stuck["id"])["status"] == "refunding"
    assert card_topups.get(OWNER, behind["id"])["status"] == "succeeded"


def test_a_refund_webhook_for_an_unknown_payment_is_not_found(world: World) -> None:
    with pytest.raises(card_topups.CardTopupNotFound):
        card_topups.apply_refund({"id": "r", "payment_id": "nope", "status": "succeeded"})
