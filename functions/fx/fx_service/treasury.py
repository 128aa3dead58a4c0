"""The treasury's rates: the bank's own exchange rates for its home currency (RUB), from configuration.

Banks in Russia set their own RUB rates, and the ECB reference set has none. The treasury publishes them
as one JSON document, in SSM Parameter Store (`/bank/<stage>/fx/treasury_rates`) when
FX_TREASURY_RATES_PARAMETER names it, else in the FX_TREASURY_RATES setting:

    {"base": "RUB", "as_of": "2026-11-25", "rates": {"USD": "81.4500", "EUR": "94.3000", "CNY": "11.4200"}}

`rates[X]` is how many units of `base` one unit of X is worth (a mid rate; the quote applies the bank's
spread). Values are decimal strings (JSON numbers are read as Decimal, never as floats).

The parameter is read lazily through the shared boto3 client and kept for fx_treasury_refresh_seconds per
execution environment. An unreadable parameter (SSM down, malformed JSON) falls back to the last table
read (marked stale), then to the setting; with neither, `TreasuryUnavailable`.

A read is a network call whenever the in-process copy has expired, so no transaction may be open: a quote is
priced before its transaction (fx_service.exchange.create_quote), and the transaction guard refuses a read
inside one whether or not the copy would have answered.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from bank_shared.aws import client
from bank_shared.money import is_ascii_decimal
from bank_shared.observability import logger
from bank_shared.snapstart import reset_on_restore
from bank_shared.transaction_guard import network_call
from fx_service.domain import CURRENCY_CODE
from fx_service.settings import get_fx_settings

HOME_CURRENCY = "RUB"


class TreasuryUnavailable(Exception):
    """The treasury's rates are configured but cannot be read and no earlier table is known."""


class InvalidTreasuryRates(ValueError):
    """The configured document is not a valid rate table."""


def _now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class TreasuryTable:
    """`rates[X]` = units of `home` per one unit of X, in force since `as_of`."""

    home: str
    as_of: date
    rates: Mapping[str, Decimal]
    origin: str  # "ssm" or "setting"
    stale: bool = False  # the parameter could not be read: these are the last rates read
    read_at: datetime = field(default_factory=_now)


def parse_table(text: str, origin: str) -> TreasuryTable:
    """A validated table from the configured JSON (raises InvalidTreasuryRates)."""
    try:
        doc = json.loads(text, parse_float=Decimal, parse_int=Decimal)
    except ValueError as error:
        raise InvalidTreasuryRates("not JSON") from error
    if not isinstance(doc, dict):
        raise InvalidTreasuryRates("expected a JSON object")
    home = str(doc.get("base", HOME_CURRENCY)).strip().upper()
    if not CURRENCY_CODE.match(home):
        raise InvalidTreasuryRates(f"base {home!r} is not a currency code")
    try:
        as_of = date.fromisoformat(str(doc["as_of"]))
    except (KeyError, ValueError) as error:
        raise InvalidTreasuryRates("as_of must be a YYYY-MM-DD date") from error
    raw = doc.get("rates")
    if not isinstance(raw, dict) or not raw:
        raise InvalidTreasuryRates("rates must be a non-empty object")
    rates: dict[str, Decimal] = {}
    for code, value in raw.items():
        currency = str(code).strip().upper()
        if not CURRENCY_CODE.match(currency) or currency == home:
            raise InvalidTreasuryRates(f"{code!r} is not a foreign currency code")
        rates[currency] = _positive(value, currency)
    return TreasuryTable(home=home, as_of=as_of, rates=rates, origin=origin)


def _positive(value: Any, currency: str) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, str | Decimal):
        raise InvalidTreasuryRates(f"the {currency} rate must be a decimal string")
    if isinstance(value, str) and not is_ascii_decimal(value.strip()):
        raise InvalidTreasuryRates(f"the {currency} rate must be written with ASCII digits")
    try:
        rate = Decimal(str(value).strip())
    except InvalidOperation as error:
        raise InvalidTreasuryRates(f"the {currency} rate is not a decimal") from error
    if not rate.is_finite() or rate <= 0:
        raise InvalidTreasuryRates(f"the {currency} rate must be positive")
    return rate


_lock = threading.Lock()
_cached: tuple[TreasuryTable | None, float] | None = None
_last_read: TreasuryTable | None = None


def _from_ssm(name: str) -> TreasuryTable:
    value = client("ssm").get_parameter(Name=name)["Parameter"]["Value"]
    return parse_table(str(value), "ssm")


def _from_setting(text: str | None) -> TreasuryTable | None:
    if not text:
        return None
    try:
        return parse_table(text, "setting")
    except InvalidTreasuryRates as error:
        logger.error("FX_TREASURY_RATES is invalid", extra={"error": str(error)})
        return None


def treasury_table() -> TreasuryTable | None:
    """The rates in force; None when the treasury publishes none (the home currency is then unsupported).
    Raises TreasuryUnavailable when the parameter is unreadable and nothing else is known."""
    global _cached, _last_read
    settings = get_fx_settings()
    if not settings.fx_treasury_rates_parameter:
        return _from_setting(settings.fx_treasury_rates)
    network_call("aws:ssm")  # cached or not: a read inside a transaction is refused every time (module docstring)
    with _lock:
        if _cached is not None and _cached[1] > time.monotonic():
            return _cached[0]
        try:
            table: TreasuryTable | None = _from_ssm(settings.fx_treasury_rates_parameter)
            _last_read = table
        except Exception as error:
            logger.warning("fx treasury rates unreadable", extra={"error": f"{type(error).__name__}: {error}"})
            if _last_read is not None:
                table = TreasuryTable(_last_read.home, _last_read.as_of, _last_read.rates, _last_read.origin,
                                      stale=True, read_at=_last_read.read_at)
            else:
                table = _from_setting(settings.fx_treasury_rates)
                if table is None:
                    raise TreasuryUnavailable("the treasury's rates cannot be read") from error
        _cached = (table, time.monotonic() + settings.fx_treasury_refresh_seconds)
        return table


@reset_on_restore
def forget_treasury() -> None:
    """Drop the in-process copy and the last table read (tests; after a SnapStart restore the snapshot's
    copy is as old as the snapshot, and its expiry was reckoned on the snapshot's monotonic clock)."""
    global _cached, _last_read
    _cached = None
    _last_read = None
