"""Every text the notifications service sends: mails and in-app inbox entries, per language, from the template
files under `texts/<language>/{mail,inbox}/<kind>.txt` (Jinja2; the first line is the subject or title, the
rest the body). Russian is the default; English when the customer chose it. `texts/<language>/reasons.txt`
names refusal reasons and `units.txt` the words of durations; nothing user-facing is written in this code.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urlencode

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from bank_shared.one_time_links import REDACTED

TEXTS = Path(__file__).parent / "texts"
Language = Literal["ru", "en"]
LANGUAGES: tuple[Language, ...] = ("ru", "en")
DEFAULT_LANGUAGE: Language = "ru"
Channel = Literal["mail", "inbox"]
# Inbox templates that are another wording of a kind, not a kind of their own (a top-up is a payment received).
VARIANTS = {"payment_topup": "payment_received"}
NBSP = "\u00a0"


@dataclass(frozen=True)
class Mail:
    subject: str
    body: str


@dataclass(frozen=True)
class InboxText:
    title: str
    body: str


def language_of(value: str | None) -> Language:
    """A stored or requested language, or the default for anything else."""
    return "en" if value == "en" else DEFAULT_LANGUAGE


# --- filters the template files use -------------------------------------------------------------------------

def _groups(whole: str, separator: str) -> str:
    groups: list[str] = []
    while len(whole) > 3:
        whole, groups = whole[:-3], [whole[-3:], *groups]
    return separator.join([whole, *groups])


def money(amount: Any, currency: str, language: str = DEFAULT_LANGUAGE) -> str:
    """"1500.5" RUB → "1 500,50 RUB" in Russian (no-break spaces, a decimal comma), "1,500.50 RUB" in English."""
    text = str(amount)
    sign = "-" if text.startswith("-") else ""
    whole, _, fraction = text.lstrip("-").partition(".")
    if language == "en":
        number = _groups(whole, ",") + (f".{fraction}" if fraction else "")
    else:
        number = _groups(whole, NBSP) + (f",{fraction}" if fraction else "")
    return f"{sign}{number}{NBSP}{currency}"


def money_ru(amount: str, currency: str) -> str:
    return money(amount, currency, "ru")


def masked(number: Any) -> str:
    """An account or card number shown by its last four digits."""
    return f"••{str(number)[-4:]}"


def _pairs(language: str, name: str) -> dict[str, str]:
    found: dict[str, str] = {}
    for line in (TEXTS / language / name).read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            key, _, value = line.partition("=")
            found[key.strip()] = value.strip()
    return found


@cache
def reasons(language: str) -> dict[str, str]:
    return _pairs(language, "reasons.txt")


@cache
def units(language: str) -> dict[str, list[str]]:
    return {unit: [form.strip() for form in forms.split("|")] for unit, forms in _pairs(language, "units.txt").items()}


def reason(code: Any, language: str = DEFAULT_LANGUAGE) -> str:
    known = reasons(language)
    return known.get(str(code), known["default"])


def _plural(count: int, forms: list[str], language: str) -> str:
    if language != "ru":
        return forms[0] if count == 1 else forms[1]
    if count % 10 == 1 and count % 100 != 11:
        return forms[0]
    if 2 <= count % 10 <= 4 and not 12 <= count % 100 <= 14:
        return forms[1]
    return forms[2]


def duration(seconds: Any, language: str = DEFAULT_LANGUAGE) -> str:
    """Whole days from two days up, whole hours from one hour up, else minutes (at least one)."""
    total = int(seconds)
    if total >= 2 * 86_400 and total % 86_400 == 0:
        count, unit = total // 86_400, "day"
    elif total >= 3600:
        count, unit = max(1, round(total / 3600)), "hour"
    else:
        count, unit = max(1, round(total / 60)), "minute"
    return f"{count} {_plural(count, units(language)[unit], language)}"


@cache
def _environment() -> Environment:
    # Plain-text mails and inbox texts: nothing is rendered as HTML, so there is nothing to escape.
    environment = Environment(loader=FileSystemLoader(TEXTS), undefined=StrictUndefined,
                              autoescape=False, keep_trailing_newline=True)  # noqa: S701
    environment.filters.update(money=money, masked=masked, reason=reason, duration=duration)
    return environment


def template_path(language: str, channel: Channel, kind: str) -> Path:
    return TEXTS / language / channel / f"{kind}.txt"


def kinds(channel: Channel) -> list[str]:
    """The kinds of `channel` the default language has templates for (the unit test checks the others)."""
    return sorted(path.stem for path in (TEXTS / DEFAULT_LANGUAGE / channel).glob("*.txt"))


def render(language: str, channel: Channel, kind: str, values: dict[str, Any]) -> tuple[str, str]:
    """(subject or title, body) of `kind` in `language`; a missing value raises (StrictUndefined)."""
    text = _environment().get_template(f"{language_of(language)}/{channel}/{kind}.txt").render(**values)
    first, _, rest = text.partition("\n")
    return first.strip(), rest


def mail(language: str, kind: str, values: dict[str, Any]) -> Mail:
    subject, body = render(language, "mail", kind, values)
    return Mail(subject, body)


def inbox(language: str, kind: str, values: dict[str, Any]) -> InboxText:
    title, body = render(language, "inbox", kind, values)
    return InboxText(title, body.strip())


# --- mails with a one-time link ----------------------------------------------------------------------------------

def _link(base_url: str, path: str, token: str) -> str:
    query = f"token={token}" if token == REDACTED else urlencode({"token": token})
    return f"{base_url.rstrip('/')}/banking-service/{path}?{query}"


def activation(base_url: str, full_name: str, token: str, expires_in: int,
               language: str = DEFAULT_LANGUAGE) -> Mail:
    return mail(language, "activation", {"full_name": full_name, "link": _link(base_url, "activate", token),
                                         "expires_in": expires_in})


def password_reset(base_url: str, full_name: str, token: str, expires_in: int,
               language: str = DEFAULT_LANGUAGE) -> Mail:
    return mail(language, "password_reset", {"full_name": full_name, "expires_in": expires_in,
                                             "link": _link(base_url, "reset-password", token)})


def welcome(base_url: str, full_name: str, token: str, expires_in: int,
               language: str = DEFAULT_LANGUAGE) -> Mail:
    """A customer created in the office: the set-password link of the reset page, valid for days."""
    return mail(language, "welcome", {"full_name": full_name, "expires_in": expires_in,
                                      "link": _link(base_url, "reset-password", token)})


# --- notices other services may ask for by name (POST /send): no free-form text ever leaves the bank -----------

@dataclass(frozen=True)
class Notice:
    """A named mail (its template is texts/<language>/mail/<name>.txt) and its parameters, each with the only
    form it may take."""

    params: dict[str, str]  # name -> regular expression the whole value must match


NOTICES: dict[str, Notice] = {
    "account_opened": Notice({"account_number": r"[0-9]{20}"}),
    "card_blocked": Notice({"card_last4": r"[0-9]{4}"}),
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
    return mail(language, name, {"currency": "", **params})
