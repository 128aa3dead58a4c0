"""Texts from files in both languages, and the consumers that turn events into an inbox entry and a mail in
the customer's language (no database: the repositories and directories are recorded)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID

import pytest

from bank_shared.events.consumer import TwoPhase
from bank_shared.events.envelope import CloudEvent
from notifications_service import notices, templates
from notifications_service.api import EVENT_HANDLERS
from notifications_service.clients import AccountOwner, Recipient, set_accounts, set_users
from notifications_service.events import CONSUMES
from notifications_service.service import Delivery

ALICE = UUID(int=1)
ACCOUNT = uuid.uuid4()
NUMBER = "40817810000000000042"

SAMPLE: dict[str, Any] = {
    "full_name": "Alice", "link": "http://127.0.0.1:3000/banking-service/reset-password?token=t", "expires_in": 3600,
    "account_number": NUMBER, "currency": "RUB", "card_last4": "1234", "expiry": "12/29", "amount": "1500.50",
    "reason": "insufficient_funds", "provider": "Мосэнерго", "payer_code": "1234567890", "transaction_id": "t-1",
    "paid_at": "2026-12-01T10:00:00Z", "number": "AGR-2026-000001", "locked_for_seconds": 900,
    "description": "обед", "from_number": NUMBER, "to_number": "40817810000000000043", "sell_amount": "100.00",
    "sell_currency": "USD", "buy_amount": "9000.00", "buy_currency": "RUB", "rate": "90.00",
}


@pytest.mark.parametrize("channel", ["mail", "inbox"])
def test_every_template_exists_in_both_languages_and_renders_a_sample(channel: templates.Channel) -> None:
    kinds = templates.kinds(channel)
    assert kinds
    for language in templates.LANGUAGES:
        present = sorted(path.stem for path in (templates.TEXTS / language / channel).glob("*.txt"))
        assert present == kinds, f"{language}/{channel} differs from the default language's templates"
        for kind in kinds:
            first, body = templates.render(language, channel, kind, SAMPLE)
            assert first and body.strip(), f"{language}/{channel}/{kind}"
            assert "{{" not in first + body and "{%" not in first + body


def test_every_event_kind_has_a_mail_and_an_inbox_text() -> None:
    kinds = {"account_opened", "account_closed", "card_issued", "payment_failed", "utility_paid", "contract_signed",
             "contract_activated", "contract_terminated", "user_locked", "password_changed", "card_topup_refunded"}
    assert kinds <= set(templates.kinds("mail")) and kinds <= set(templates.kinds("inbox"))
    assert {"welcome", "activation", "password_reset", *templates.NOTICES} <= set(templates.kinds("mail"))


def test_a_missing_value_is_an_error_not_an_empty_text() -> None:
    with pytest.raises(Exception, match="number"):
        templates.mail("ru", "contract_signed", {})


def test_money_and_durations_per_language() -> None:
    assert templates.money("1500.5", "RUB", "ru") == "1\u00a0500,5\u00a0RUB"
    assert templates.money("1234567.00", "USD", "en") == "1,234,567.00\u00a0USD"
    assert templates.duration(900, "ru") == "15 минут" and templates.duration(3600, "ru") == "1 часа"
    assert templates.duration(7 * 86_400, "ru") == "7 дней" and templates.duration(2 * 86_400, "en") == "2 days"
    assert templates.reason("nope", "en") == "the bank refused the operation"


def test_unknown_languages_fall_back_to_russian() -> None:
    assert templates.language_of("de") == "ru" and templates.language_of(None) == "ru"
    assert templates.language_of("en") == "en"


# --- consumers -----------------------------------------------------------------------------------------------

class Recorder:
    def __init__(self) -> None:
        self.entries: list[dict[str, Any]] = []
        self.mails: list[tuple[str, templates.Mail]] = []
        self.pushes: list[tuple[UUID, str, templates.InboxText]] = []
        self.language = "ru"
        self.off: set[str] = set()  # channels switched off


class FakeUsers:
    asked: list[UUID] = []

    def recipient(self, user_id: UUID) -> Recipient | None:
        self.asked.append(user_id)
        return Recipient(user_id, "alice@example.com", "Alice") if user_id == ALICE else None


class FakeAccounts:
    def owners(self, account_ids: list[UUID]) -> dict[UUID, AccountOwner]:
        return {a: AccountOwner(a, ALICE, NUMBER) for a in account_ids if a == ACCOUNT}


@pytest.fixture
def recorded(monkeypatch: pytest.MonkeyPatch) -> Iterator[Recorder]:
    recorder = Recorder()

    class Inbox:
        def __init__(self, _connection: Any) -> None:
            pass

        def add(self, _id: Any, user_id: UUID, kind: str, title: str, body: str, data: dict[str, Any],
                event_id: str, created_at: datetime, *, history: bool = False) -> bool:
            recorder.entries.append({"user_id": user_id, "kind": kind, "title": title, "body": body,
                                     "history": history})
            return True

    monkeypatch.setattr(notices, "InboxRepository", Inbox)
    monkeypatch.setattr(notices, "delivery", lambda _uow, _user, kind: Delivery(
        recorder.language, "email" not in recorder.off, "inbox" not in recorder.off, "push" not in recorder.off))
    monkeypatch.setattr(notices, "push_notice", lambda _uow, _event, user, kind, text: recorder.pushes.append(
        (user, kind, text)) or 1)
    monkeypatch.setattr(notices, "queue_mail", lambda _uow, to, mail, by: recorder.mails.append((to, mail)))
    set_users(FakeUsers())
    set_accounts(FakeAccounts())
    yield recorder
    set_users(None)
    set_accounts(None)


class FakeUnitOfWork:
    connection = None


def consume(handler: TwoPhase[Any], ev: CloudEvent) -> None:
    """What the shared consumer does with a two-phase handler: the look-up, then the apply in the unit of work."""
    handler.apply(FakeUnitOfWork(), ev, handler.look_up(ev))  # type: ignore[arg-type]


def event(topic: str, data: dict[str, Any], time: str | None = None) -> CloudEvent:
    return CloudEvent(type=topic, source="urn:bank:test", subject="s", data=data,
                      **({"time": time} if time else {}))


SAMPLES = {
    "account.opened": {"account_id": str(ACCOUNT), "owner_id": str(ALICE), "number": NUMBER, "currency": "RUB",
                       "product_code": "current", "overdraft_limit": {"amount": "0.00", "currency": "RUB"},
                       "opened_by": "e"},
    "account.closed": {"account_id": str(ACCOUNT), "owner_id": str(ALICE), "closed_by": "e"},
    "card.issued": {"card_id": str(uuid.uuid4()), "account_id": str(ACCOUNT), "owner_id": str(ALICE),
                    "last4": "4321", "expiry": "12/29", "issued_by": "e"},
    "payment.failed": {"from_account_id": str(ACCOUNT), "to_account_id": str(uuid.uuid4()), "amount": "10.00",
                       "currency": "RUB", "reason": "insufficient_funds", "detail": "x"},
    "utility.paid": {"payment_id": str(uuid.uuid4()), "provider_id": str(uuid.uuid4()), "provider_code": "mosenergo",
                     "provider_name": "Мосэнерго", "category": "electricity", "payer_id": str(ALICE),
                     "from_account_id": str(ACCOUNT), "payer_account": "1234567890", "amount": "1500.00",
                     "currency": "RUB", "amount_minor": 150000, "transaction_id": str(uuid.uuid4()),
                     "paid_at": None},
    "contract.signed": {"contract_id": str(uuid.uuid4()), "customer_id": str(ALICE), "number": "AGR-1",
                        "template_id": str(uuid.uuid4()), "version": 1, "signed_at": None},
    "contract.activated": {"contract_id": str(uuid.uuid4()), "customer_id": str(ALICE), "number": "AGR-1",
                           "template_id": str(uuid.uuid4()), "version": 1},
    "contract.terminated": {"contract_id": str(uuid.uuid4()), "customer_id": str(ALICE), "number": "AGR-1",
                            "template_id": str(uuid.uuid4()), "version": 1, "reason": "по заявлению"},
    "user.locked": {"user_id": str(ALICE), "reason": "too_many_failed_logins", "locked_for_seconds": 900},
    "user.password_changed": {"user_id": str(ALICE), "how": "reset_link", "changed_at": None},
    "card_topup.refunded": {"topup_id": str(uuid.uuid4()), "account_id": str(ACCOUNT), "owner_id": str(ALICE),
                            "amount": "1500.00", "currency": "RUB", "card_last4": "4242",
                            "reason": "account_closed", "refund_id": "r-1"},
}


def test_every_consumed_topic_has_a_handler() -> None:
    assert set(CONSUMES) == set(EVENT_HANDLERS)
    assert set(SAMPLES) == set(notices.HANDLERS)


@pytest.mark.parametrize("topic", sorted(SAMPLES))
def test_each_event_files_an_entry_and_mails_the_customer(recorded: Recorder, topic: str) -> None:
    consume(notices.HANDLERS[topic], event(topic, SAMPLES[topic]))
    [entry] = recorded.entries
    assert entry["user_id"] == ALICE and not entry["history"]
    [(to, mail)] = recorded.mails
    assert to == "alice@example.com" and mail.subject and mail.body


def test_texts_follow_the_customers_language(recorded: Recorder) -> None:
    consume(notices.account_opened, event("account.opened", SAMPLES["account.opened"]))
    recorded.language = "en"
    consume(notices.account_opened, event("account.opened", SAMPLES["account.opened"]))
    (_, ru), (_, en) = recorded.mails
    assert ru.subject == "Счёт открыт" and "••0042" in ru.body
    assert en.subject == "Your account is open" and "••0042" in en.body
    assert [e["title"] for e in recorded.entries] == ["Счёт открыт", "Account opened"]


def test_the_receipt_names_provider_payer_code_and_amount(recorded: Recorder) -> None:
    consume(notices.utility_paid, event("utility.paid", SAMPLES["utility.paid"]))
    [(_, mail)] = recorded.mails
    assert "Мосэнерго" in mail.subject
    assert "Код плательщика: 1234567890" in mail.body and "1\u00a0500,00\u00a0RUB" in mail.body


def test_a_refunded_top_up_names_the_card_by_its_last_four_digits(recorded: Recorder) -> None:
    consume(notices.card_topup_refunded, event("card_topup.refunded", SAMPLES["card_topup.refunded"]))
    recorded.language = "en"
    consume(notices.card_topup_refunded, event("card_topup.refunded", SAMPLES["card_topup.refunded"]))
    (_, ru), (_, en) = recorded.mails
    assert ru.subject == "Платёж возвращён на карту" and "карту •• 4242" in ru.body and "счёт закрыт" in ru.body
    assert en.subject == "Payment returned to the card" and "card •• 4242" in en.body
    assert [e["title"] for e in recorded.entries] == ["Платёж возвращён на карту", "Payment returned to the card"]


def test_the_security_alert_says_what_to_do(recorded: Recorder) -> None:
    recorded.language = "en"
    consume(notices.user_locked, event("user.locked", SAMPLES["user.locked"]))
    [(_, mail)] = recorded.mails
    assert "15 minutes" in mail.body and "change your password" in mail.body


def test_a_replayed_old_event_is_filed_as_read_and_mailed_and_pushed_to_nobody(recorded: Recorder) -> None:
    old = (datetime.now(UTC) - timedelta(days=30)).isoformat()
    consume(notices.account_opened, event("account.opened", SAMPLES["account.opened"], old))
    [entry] = recorded.entries
    assert entry["history"] and recorded.mails == [] and recorded.pushes == []


def test_the_look_up_asks_auth_for_the_recipient_and_nobody_for_an_old_event(recorded: Recorder) -> None:
    FakeUsers.asked = []
    found = notices.account_opened.look_up(event("account.opened", SAMPLES["account.opened"]))
    assert found.recipient is not None and found.recipient.email == "alice@example.com" and FakeUsers.asked == [ALICE]
    old = (datetime.now(UTC) - timedelta(days=30)).isoformat()
    assert notices.account_opened.look_up(event("account.opened", SAMPLES["account.opened"], old)).recipient is None
    assert FakeUsers.asked == [ALICE]  # a replay from the beginning of a topic asks auth nothing


def test_a_failed_payment_from_a_system_account_tells_nobody(recorded: Recorder) -> None:
    data = {**SAMPLES["payment.failed"], "from_account_id": str(uuid.uuid4())}
    consume(notices.payment_failed, event("payment.failed", data))
    assert recorded.entries == [] and recorded.mails == []


def test_an_unknown_user_gets_the_entry_but_no_mail(recorded: Recorder) -> None:
    data = {**SAMPLES["user.locked"], "user_id": str(uuid.uuid4())}
    consume(notices.user_locked, event("user.locked", data))
    assert len(recorded.entries) == 1 and recorded.mails == []


@pytest.mark.parametrize("off", ["email", "inbox", "push"])
def test_a_channel_switched_off_is_skipped(recorded: Recorder, off: str) -> None:
    recorded.off = {off}
    consume(notices.card_issued, event("card.issued", SAMPLES["card.issued"]))
    assert bool(recorded.mails) == (off != "email") and bool(recorded.entries) == (off != "inbox")
    assert bool(recorded.pushes) == (off != "push")


def test_the_push_carries_the_inbox_text_in_the_customers_language(recorded: Recorder) -> None:
    recorded.language = "en"
    consume(notices.account_opened, event("account.opened", SAMPLES["account.opened"]))
    [(user, kind, text)] = recorded.pushes
    assert (user, kind, text.title) == (ALICE, "account_opened", "Account opened") and "••0042" in text.body
