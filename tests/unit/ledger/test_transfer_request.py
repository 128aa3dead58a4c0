"""The typed transfer order submit_transfer hands to ledger_transfer_apply (as_json), and how its outcomes
become results or errors."""

from __future__ import annotations

import uuid

import pytest

from bank_shared.auth import Principal
from bank_shared.errors import (
    AccountClosed,
    AccountNotFound,
    CurrencyMismatch,
    IdempotencyKeyReused,
    IdempotencyRequestInFlight,
    SameAccount,
)
from ledger_service.transfers import transfer_order, transfer_result

CUSTOMER = Principal(str(uuid.uuid4()), frozenset({"customer"}), frozenset(), {})
STAFF = Principal("clerk", frozenset({"employee"}), frozenset(), {})


# printf 'transfer:11111111-1111-1111-1111-111111111111\n{"amount":25050,"currency":"RUB","description":"dinner",
# "from":"00000000-0000-0000-0000-00000000000a","to":"00000000-0000-0000-0000-00000000000b"}' | sha256sum
# (one line): the hash pinned outside the code, so a fingerprint that drops a field fails here.
KNOWN_TRANSFER_HASH = "6783074dbcf76938bd0ee0066290925f0b9d2b55cac9cac74ad2bb6084b2f886"
PAYER = Principal("11111111-1111-1111-1111-111111111111", frozenset({"customer"}), frozenset(), {})


def test_request_carries_the_key_scope_ownership_and_prepared_responses() -> None:
    source, target = uuid.UUID(int=10), uuid.UUID(int=11)
    order = transfer_order(PAYER, "k-1", source, target, 25_050, "RUB", "dinner")
    assert (order.from_account_id, order.to_account_id, order.amount, order.currency) == (source, target, 25_050, "RUB")
    request = order.as_json()
    assert request["scope"] == f"transfer:{PAYER.subject}" and request["owner"] == PAYER.subject
    assert request["hash"] == KNOWN_TRANSFER_HASH
    other = transfer_order(PAYER, "k-1", source, target, 25_051, "RUB", "dinner")
    assert other.fingerprint != KNOWN_TRANSFER_HASH
    assert request["body"]["amount"] == {"amount": "250.50", "currency": "RUB"}
    assert request["body"]["transaction_id"] == request["transaction_id"]
    assert request["event"]["type"] == "payment.executed" and request["event"]["subject"] == str(source)
    assert request["event"]["data"]["amount_minor"] == 25_050
    assert request["refused_body"]["status"] == 422 and request["refused_body"]["code"] == "insufficient_funds"
    assert request["refused_event"]["type"] == "payment.failed"
    assert transfer_order(STAFF, "k-1", source, target, 1, "RUB", "").owner is None


def test_same_account_is_refused_before_the_database() -> None:
    account = uuid.uuid4()
    with pytest.raises(SameAccount):
        transfer_order(STAFF, "k", account, account, 1, "RUB", "")


def test_outcomes_map_to_results_and_errors() -> None:
    request = transfer_order(STAFF, "k", uuid.uuid4(), uuid.uuid4(), 100, "RUB", "")
    executed = transfer_result(request, {"status": 201, "created_at": "2026-01-01T00:00:00Z",
                                                  "replayed": False})
    assert executed.status == 201 and not executed.replayed
    assert executed.body == {**request.body, "created_at": "2026-01-01T00:00:00Z"}
    assert list(executed.body) == list(request.body)  # the response keeps its field order
    refused = transfer_result(request, {"status": 422, "replayed": False})
    assert refused.status == 422 and refused.body == request.refused_body
    replay = transfer_result(request, {"status": 201, "body": {"stored": True}, "replayed": True})
    assert replay.replayed and replay.body == {"stored": True}
    errors: list[tuple[dict[str, str], type[Exception]]] = [
        ({"error": "in_flight"}, IdempotencyRequestInFlight),
        ({"error": "idempotency_key_reused"}, IdempotencyKeyReused),
        ({"error": "account_not_found", "account_id": "x"}, AccountNotFound),
        ({"error": "account_closed", "account_id": "x"}, AccountClosed),
        ({"error": "currency_mismatch"}, CurrencyMismatch),
        ({"error": "expired"}, RuntimeError),
    ]
    for outcome, error in errors:
        with pytest.raises(error):
            transfer_result(request, outcome)
