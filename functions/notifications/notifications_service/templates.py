"""The texts of the mails the notifications service composes itself (links go to the SPA)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlencode

from bank_shared.one_time_links import REDACTED


@dataclass(frozen=True)
class Mail:
    subject: str
    body: str


def _link(base_url: str, path: str, token: str) -> str:
    query = f"token={token}" if token == REDACTED else urlencode({"token": token})
    return f"{base_url.rstrip('/')}/banking-service/{path}?{query}"


def _hours(seconds: int) -> str:
    hours = max(1, round(seconds / 3600))
    return f"{hours} hour" + ("" if hours == 1 else "s")


def activation(base_url: str, full_name: str, token: str, expires_in: int) -> Mail:
    link = _link(base_url, "activate", token)
    greeting = f"Hello {full_name}," if full_name else "Hello,"
    return Mail(
        subject="Activate your bank account",
        body=(f"{greeting}\n\nPlease confirm your e-mail address to activate your account:\n\n{link}\n\n"
              f"The link works once and expires in {_hours(expires_in)}. If you did not sign up, ignore "
              "this message.\n"),
    )


def password_reset(base_url: str, full_name: str, token: str, expires_in: int) -> Mail:
    link = _link(base_url, "reset-password", token)
    greeting = f"Hello {full_name}," if full_name else "Hello,"
    return Mail(
        subject="Reset your bank password",
        body=(f"{greeting}\n\nSomeone asked to reset the password of your account. To choose a new one, "
              f"open:\n\n{link}\n\nThe link works once and expires in {_hours(expires_in)}. If it was not "
              "you, ignore this message: your password stays unchanged.\n"),
    )


# --- notices other services may ask for by name (POST /send): no free-form text ever leaves the bank -----------

@dataclass(frozen=True)
class Notice:
    """A named mail: its parameters (each with the only form it may take) and its texts per language."""

    params: dict[str, str]  # name -> regular expression the whole value must match
    texts: dict[str, tuple[str, str]]  # language -> (subject, body with {name} placeholders)


NOTICES: dict[str, Notice] = {
    "account_opened": Notice(
        {"account_number": r"[0-9]{20}"},
        {"ru": ("Счёт открыт", "Здравствуйте!\n\nВ банке открыт счёт ••{account_last4}. "  # noqa: RUF001 - Russian
                               "Если вы его не открывали, позвоните в банк.\n"),  # noqa: RUF001
         "en": ("Your account is open", "Hello,\n\nAn account ••{account_last4} has been opened for you. If it was "
                                        "not you, call the bank.\n")}),
    "card_blocked": Notice(
        {"card_last4": r"[0-9]{4}"},
        {"ru": ("Карта заблокирована", "Здравствуйте!\n\nКарта ••{card_last4} заблокирована. "  # noqa: RUF001
                                       "Если это сделали не вы, позвоните в банк.\n"),
         "en": ("Your card is blocked", "Hello,\n\nCard ••{card_last4} has been blocked. If it was not you, call "
                                        "the bank.\n")}),
}


class NoticeParamsInvalid(ValueError):
    """The parameters do not fit the notice (missing, unknown, or of the wrong form)."""


def notice(name: str, language: str, params: dict[str, str]) -> Mail:
    """The mail of notice `name` in `language` (ru, en); raises NoticeParamsInvalid for bad parameters."""
    template = NOTICES[name]
    if set(params) != set(template.params):
        raise NoticeParamsInvalid(f"{name} takes exactly: {', '.join(sorted(template.params))}")
    for param, pattern in template.params.items():
        if not re.fullmatch(pattern, params[param], flags=re.ASCII):
            raise NoticeParamsInvalid(f"{param} must match {pattern}")
    values = {**params, **({"account_last4": params["account_number"][-4:]} if "account_number" in params else {})}
    subject, body = template.texts[language]
    return Mail(subject=subject, body=body.format(**values))


# --- the in-app inbox (Russian: the bank's customers read Russian) -------------------------------------------

NBSP = "\u00a0"


@dataclass(frozen=True)
class InboxText:
    title: str
    body: str


def money_ru(amount: str, currency: str) -> str:
    """"1500.5" RUB → "1 500,50 RUB" (no-break spaces between thousands, a decimal comma)."""
    whole, _, fraction = amount.lstrip("-").partition(".")
    groups: list[str] = []
    while len(whole) > 3:
        whole, groups = whole[:-3], [whole[-3:], *groups]
    text = NBSP.join([whole, *groups]) + (f",{fraction}" if fraction else "")
    return f"{text}{NBSP}{currency}"


def _account(number: str) -> str:
    return f"••{number[-4:]}" if number else "вашем счёте"


def _comment(description: str) -> str:
    return f" Комментарий: {description}" if description else ""


def payment_sent(amount: str, currency: str, from_number: str, description: str) -> InboxText:
    source = f"со счёта {_account(from_number)}"  # noqa: RUF001 - Russian text
    return InboxText("Перевод выполнен", f"Списано {money_ru(amount, currency)} {source}.{_comment(description)}")


def payment_received(amount: str, currency: str, to_number: str, description: str, kind: str) -> InboxText:
    if kind == "transfer":
        body = f"Зачислено {money_ru(amount, currency)} на счёт {_account(to_number)}.{_comment(description)}"
    else:  # top-up, incoming payment, opening balance
        body = f"Счёт {_account(to_number)} пополнен на {money_ru(amount, currency)}.{_comment(description)}"
    return InboxText("Поступление", body)


def own_transfer(amount: str, currency: str, from_number: str, to_number: str) -> InboxText:
    return InboxText("Перевод между своими счетами выполнен",
                     f"{money_ru(amount, currency)}: {_account(from_number)} → {_account(to_number)}.")


def fx_exchanged(sell_amount: str, sell_currency: str, buy_amount: str, buy_currency: str, rate: str) -> InboxText:
    return InboxText("Обмен валюты выполнен",
                     f"Продано {money_ru(sell_amount, sell_currency)}, куплено {money_ru(buy_amount, buy_currency)} "
                     f"по курсу {rate}.")
