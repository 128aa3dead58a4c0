"""The dashboard: parts fetched concurrently, a failing or late part named in `missing`, the rest served."""

from __future__ import annotations

import threading

from customer_fakes import ALICE, FakeServices

from customer_service.dashboard import DashboardLimits, build_dashboard

LIMITS = DashboardLimits(part_timeout=1.0, deadline=0.5, recent_transactions=5)


def test_everything_available(services: FakeServices) -> None:
    board = build_dashboard(services, ALICE, LIMITS)
    assert board["missing"] == []
    assert board["profile"] == {"id": str(ALICE), "email": "a@x", "full_name": "Alice Smith", "phone": "+7 900 1"}
    assert [a["currency"] for a in board["accounts"]] == ["RUB", "USD"]
    assert all("cards" not in a for a in board["accounts"])
    assert len(board["cards"]) == 2 and board["cards"][0]["pan_masked"].count("*") == 6
    assert board["recent_transactions"] == [{"transaction_id": "t-0", "type": "topup"}]
    assert board["unread_notifications"] == 3


def test_a_failing_dependency_gives_a_partial_answer(services: FakeServices) -> None:
    services.failing = {"transactions"}
    board = build_dashboard(services, ALICE, LIMITS)
    assert board["missing"] == ["transactions"]
    assert board["recent_transactions"] == [] and len(board["accounts"]) == 2


def test_accounts_down_means_no_accounts_and_no_cards(services: FakeServices) -> None:
    services.failing = {"accounts", "profile"}
    board = build_dashboard(services, ALICE, LIMITS)
    assert board["missing"] == ["profile", "accounts", "cards"]
    assert board["profile"] is None and board["accounts"] == [] and board["cards"] == []


def test_balances_missing_when_the_ledger_did_not_answer_accounts(services: FakeServices) -> None:
    for item in services.accounts_list:
        item["balance"] = item["available"] = None
    assert build_dashboard(services, ALICE, LIMITS)["missing"] == ["balances"]


def test_parts_run_concurrently_and_a_late_part_does_not_hold_the_answer(services: FakeServices) -> None:
    services.meet, services.together = {"profile", "accounts"}, threading.Barrier(2)  # pass only side by side
    services.held = {"transactions"}
    try:
        board = build_dashboard(services, ALICE, LIMITS)
        assert board["missing"] == ["transactions"]
        assert board["profile"] is not None and board["accounts"]
        assert "transactions" not in services.finished  # the answer came while that part was still running
    finally:
        services.released.set()


def test_notifications_down_means_an_unknown_count_named_missing(services: FakeServices) -> None:
    services.failing = {"notifications"}
    board = build_dashboard(services, ALICE, LIMITS)
    assert board["unread_notifications"] is None and board["missing"] == ["notifications"]
    assert len(board["accounts"]) == 2 and board["profile"] is not None


def test_a_late_unread_count_does_not_hold_the_answer(services: FakeServices) -> None:
    services.held = {"notifications"}
    try:
        board = build_dashboard(services, ALICE, LIMITS)
        assert board["missing"] == ["notifications"] and board["unread_notifications"] is None
        assert "notifications" not in services.finished
    finally:
        services.released.set()


def test_the_count_is_asked_for_the_caller(services: FakeServices) -> None:
    services.unread = {ALICE: 0}
    assert build_dashboard(services, ALICE, LIMITS)["unread_notifications"] == 0
    assert ("notifications", ALICE) in services.calls
