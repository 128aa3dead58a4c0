"""The rules of maker-checker (office_service.approvals): limits, who may approve or reject, expiry, views."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest

from bank_shared.errors import AppError
from office_service.approval_rules import Limits, approval_step, effective_status, rejection_step, topup_needs_approval
from office_service.approvals import request_view
from office_service.approvals_repository import MoneyRequest
from office_service.settings import OfficeSettings

NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)
LIMITS = Limits(approval_threshold={"RUB": Decimal("100000"), "*": Decimal("1000")},
                per_operation={"RUB": Decimal("10000000"), "*": Decimal("100000")},
                daily={"RUB": Decimal("30000000"), "*": Decimal("300000")})
MAKER, CHECKER, OTHER = "maker", "checker", "other"


def request(**changes: Any) -> MoneyRequest:
    row: dict[str, Any] = {
        "id": uuid.uuid4(), "kind": "topup", "status": "pending", "maker_id": MAKER, "maker_key": "k",
        "request_hash": "h", "ledger_key": "office-request:x", "needs_approval": True,
        "decided_by": None, "decided_at": None, "decision_reason": None, "amount_minor": 50_000_000,
        "currency": "RUB", "account_id": uuid.uuid4(), "transaction_id": None, "description": "", "details": {},
        "created_at": NOW - timedelta(minutes=5), "expires_at": NOW + timedelta(hours=1), "executed_at": None,
        "result_status": None, "result_body": None}
    return MoneyRequest(**row | changes)


def code(call: Any) -> str:
    with pytest.raises(AppError) as raised:
        call()
    return raised.value.code


# ------------------------------------------------------------------------------------------ limits (F3)


def test_small_top_ups_go_through_and_large_ones_wait_for_a_second_employee() -> None:
    assert topup_needs_approval(LIMITS, "RUB", 99_999_99, 0) is False
    assert topup_needs_approval(LIMITS, "RUB", 100_000_00, 0) is True
    assert topup_needs_approval(LIMITS, "USD", 999_99, 0) is False  # "*" applies to other currencies
    assert topup_needs_approval(LIMITS, "USD", 1_000_00, 0) is True


def test_the_finding_amount_is_refused_outright() -> None:
    """F3: 999 999 999 999 999.99 RUB in one request was accepted."""
    assert code(lambda: topup_needs_approval(LIMITS, "RUB", 99_999_999_999_999_999, 0)) == "operation_limit_exceeded"
    assert code(lambda: topup_needs_approval(LIMITS, "RUB", 10_000_000_01, 0)) == "operation_limit_exceeded"
    assert topup_needs_approval(LIMITS, "RUB", 10_000_000_00, 0) is True  # the cap itself is allowed


def test_the_daily_limit_counts_what_the_employee_already_moved() -> None:
    assert topup_needs_approval(LIMITS, "RUB", 5_000_000_00, 25_000_000_00) is True
    with pytest.raises(AppError) as raised:
        topup_needs_approval(LIMITS, "RUB", 5_000_000_01, 25_000_000_00)
    assert raised.value.code == "daily_limit_exceeded"
    assert raised.value.extra["remaining"] == {"amount": "5000000.00", "currency": "RUB"}


def test_limits_are_configured_per_currency_as_json(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OFFICE_APPROVAL_THRESHOLD", json.dumps({"RUB": "500", "*": "5"}))
    settings = OfficeSettings()
    assert Limits.minor(settings.office_approval_threshold, "RUB") == 500_00
    assert Limits.minor(settings.office_approval_threshold, "JPY") == 5
    monkeypatch.setenv("OFFICE_APPROVAL_THRESHOLD", json.dumps({"RUB": "500"}))  # no "*" default
    with pytest.raises(ValueError, match="default"):
        OfficeSettings()
    monkeypatch.setenv("OFFICE_APPROVAL_THRESHOLD", json.dumps({"RUB": "-1", "*": "5"}))
    with pytest.raises(ValueError, match="positive"):
        OfficeSettings()


# ------------------------------------------------------------------------------------------ decisions


def test_the_maker_cannot_approve_their_own_request() -> None:
    assert code(lambda: approval_step(request(), MAKER, NOW)) == "maker_cannot_approve"
    assert approval_step(request(), CHECKER, NOW) == "approve"


def test_the_checker_clicking_again_finishes_or_answers_and_anyone_else_is_too_late() -> None:
    approved = request(status="approved", decided_by=CHECKER)
    assert approval_step(approved, CHECKER, NOW) == "execute"  # a double click while it executes
    assert approval_step(request(status="executed", decided_by=CHECKER, result_status=201), CHECKER, NOW) == "answer"
    assert code(lambda: approval_step(approved, OTHER, NOW)) == "approval_already_decided"
    assert code(lambda: approval_step(approved, MAKER, NOW)) == "approval_already_decided"
    assert code(lambda: approval_step(request(status="rejected", decided_by=OTHER), CHECKER, NOW)) \
        == "approval_already_decided"


def test_an_expired_request_cannot_be_approved() -> None:
    late = request(expires_at=NOW - timedelta(seconds=1))
    assert effective_status(late, NOW) == "expired"
    assert approval_step(late, CHECKER, NOW) == "expire"  # recorded, then answered 409 approval_expired
    assert code(lambda: approval_step(request(status="expired"), CHECKER, NOW)) == "approval_expired"


def test_rejection_by_anyone_including_the_maker_withdrawing() -> None:
    assert rejection_step(request(), OTHER, NOW) == "reject"
    assert rejection_step(request(), MAKER, NOW) == "reject"
    assert rejection_step(request(status="rejected", decided_by=OTHER), OTHER, NOW) == "answer"
    assert code(lambda: rejection_step(request(status="approved", decided_by=CHECKER), OTHER, NOW)) \
        == "approval_already_decided"
    assert rejection_step(request(expires_at=NOW), OTHER, NOW) == "expire"


def test_the_view_tells_the_viewer_whether_they_may_approve() -> None:
    pending = request()
    assert request_view(pending, CHECKER, NOW)["can_approve"] is True
    assert request_view(pending, MAKER, NOW)["can_approve"] is False
    view = request_view(request(expires_at=NOW - timedelta(seconds=1)), CHECKER, NOW)
    assert (view["status"], view["can_approve"]) == ("expired", False)
    assert request_view(pending, CHECKER, NOW)["amount"] == {"amount": "500000.00", "currency": "RUB"}
