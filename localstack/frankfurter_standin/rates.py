"""Rate lookups over the bundled ECB snapshot, answered as Frankfurter's v1 API does.

Behaviour mirrored from Frankfurter v1:

* ``base``/``from`` and ``symbols``/``to`` are aliases; codes are upper-cased;
  ``symbols`` is a comma-separated list. Unknown symbols are dropped silently; if
  nothing is left, or the base is unknown, the answer is 404
  ``{"message": "not found"}``.
* ``amount`` defaults to 1.0; a non-positive amount is 422 ``invalid amount``; a base
  equal to the only symbol is 422 ``bad currency pair``; a bad date is 422.
* A date resolves to the nearest business day on or before it in the snapshot; a date
  before the earliest snapshot day is a 404.
* EUR-based quotes with amount 1 are the raw ECB figures. Anything rebased or
  multiplied is rounded with Frankfurter's magnitude rule (see ``round_rate``).

Rounding choice: rebased rates are computed with ``Decimal`` from the *unrounded* EUR
cross rates (``amount * eur_rate[quote] / eur_rate[base]``), then rounded once,
half-even, to decimal places that depend on the value, as Frankfurter does:
> 5000 -> 0 dp, > 80 -> 2, > 20 -> 3, > 1 -> 4, > 0.0001 -> 5, else 6 (about five
significant digits). Frankfurter itself rounds the amount-multiplied EUR rates before
dividing, so its answer can differ from ours in the last digit.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from decimal import ROUND_HALF_EVEN, Decimal, InvalidOperation
from pathlib import Path
from typing import Any

SNAPSHOT_PATH = Path(__file__).with_name("ecb_snapshot.json")
EUR = "EUR"
_AMOUNT_PREFIX = re.compile(r"^\s*[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")
_DECIMAL_PLACES: tuple[tuple[Decimal, int], ...] = (
    (Decimal(5000), 0),
    (Decimal(80), 2),
    (Decimal(20), 3),
    (Decimal(1), 4),
    (Decimal("0.0001"), 5),
)

RateTable = dict[str, Decimal]


class QuoteError(Exception):
    """A request Frankfurter would refuse; ``status`` is the HTTP status to answer."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def not_found() -> QuoteError:
    return QuoteError(404, "not found")


def round_rate(value: Decimal) -> Decimal:
    """Round as Frankfurter does: fewer decimal places the larger the value."""
    places = 6
    for threshold, dp in _DECIMAL_PLACES:
        if value > threshold:
            places = dp
            break
    return value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_EVEN)


def parse_amount(raw: str | None) -> Decimal:
    """Parse ``amount`` as Ruby's ``String#to_f`` would; it must be positive."""
    if raw is None:
        return Decimal(1)
    match = _AMOUNT_PREFIX.match(raw)
    try:
        value = Decimal(match.group(0).strip()) if match else Decimal(0)
    except InvalidOperation:
        value = Decimal(0)
    if not value.is_finite() or value <= 0:
        raise QuoteError(422, "invalid amount")
    return value


def parse_date(raw: str) -> dt.date:
    try:
        return dt.date.fromisoformat(raw)
    except ValueError as exc:
        raise QuoteError(422, "invalid date") from exc


def parse_symbols(raw: str | None) -> list[str] | None:
    if raw is None:
        return None
    return [code.strip().upper() for code in raw.split(",") if code.strip()]


class Snapshot:
    """EUR-based reference rates per business day, loaded from the bundled JSON file."""

    def __init__(self, rates: dict[dt.date, RateTable], names: dict[str, str]) -> None:
        if not rates:
            raise ValueError("snapshot holds no rates")
        self._rates = rates
        self._days = sorted(rates)
        self.names = names

    @classmethod
    def load(cls, path: Path = SNAPSHOT_PATH) -> Snapshot:
        doc = json.loads(path.read_text(encoding="utf-8"), parse_float=Decimal, parse_int=Decimal)
        rates = {
            dt.date.fromisoformat(day): {code: Decimal(value) for code, value in table.items()}
            for day, table in doc["rates"].items()
        }
        return cls(rates, dict(doc["currencies"]))

    @property
    def latest_day(self) -> dt.date:
        return self._days[-1]

    @property
    def days(self) -> list[dt.date]:
        return list(self._days)

    def day_on_or_before(self, when: dt.date) -> dt.date | None:
        eligible = [day for day in self._days if day <= when]
        return eligible[-1] if eligible else None

    def days_between(self, start: dt.date, end: dt.date) -> list[dt.date]:
        return [day for day in self._days if start <= day <= end]

    def eur_rates(self, day: dt.date) -> RateTable:
        return self._rates[day]

    def currency_names(self) -> dict[str, str]:
        codes = sorted(set(self._rates[self.latest_day]) | {EUR})
        return {code: self.names.get(code, code) for code in codes}


def _pick(params: dict[str, str], *names: str) -> str | None:
    for name in names:
        if name in params:
            return params[name]
    return None


class QuoteRequest:
    """The parsed query string of a rates request (amount, base, symbols)."""

    def __init__(self, params: dict[str, str]) -> None:
        self.amount = parse_amount(params.get("amount"))
        base = _pick(params, "from", "base")
        self.base = base.strip().upper() if base else EUR
        self.symbols = parse_symbols(_pick(params, "to", "symbols"))
        if self.symbols == [self.base]:
            raise QuoteError(422, "bad currency pair")


def quote_day(eur: RateTable, request: QuoteRequest) -> dict[str, Decimal] | None:
    """Rates for one day in ``request.base``; None when Frankfurter would show none."""
    table: dict[str, Decimal] = {EUR: Decimal(1), **eur}
    wanted = request.symbols
    if request.base not in table:
        return None
    codes = sorted(code for code in table if code != request.base)
    if wanted is not None:
        codes = [code for code in codes if code in wanted]
    if not codes:
        return None
    if request.base == EUR:
        return _eur_based(table, codes, request.amount)
    divisor = table[request.base]
    return {code: round_rate(request.amount * table[code] / divisor) for code in codes}


def _eur_based(table: RateTable, codes: list[str], amount: Decimal) -> dict[str, Decimal]:
    if amount == 1:
        return {code: table[code] for code in codes}
    return {code: round_rate(amount * table[code]) for code in codes}


def end_of_day(snapshot: Snapshot, when: dt.date | None, params: dict[str, str]) -> dict[str, Any]:
    """``GET /latest`` (when=None) and ``GET /YYYY-MM-DD``."""
    request = QuoteRequest(params)
    day = snapshot.latest_day if when is None else snapshot.day_on_or_before(when)
    if day is None:
        raise not_found()
    rates = quote_day(snapshot.eur_rates(day), request)
    if rates is None:
        raise not_found()
    return {
        "amount": request.amount,
        "base": request.base,
        "date": day.isoformat(),
        "rates": rates,
    }


def time_series(snapshot: Snapshot, start: dt.date, end: dt.date | None, params: dict[str, str]) -> dict[str, Any]:
    """``GET /YYYY-MM-DD..YYYY-MM-DD`` (end defaults to the latest day)."""
    request = QuoteRequest(params)
    last = end if end is not None else snapshot.latest_day
    series: dict[str, dict[str, Decimal]] = {}
    for day in snapshot.days_between(start, last):
        rates = quote_day(snapshot.eur_rates(day), request)
        if rates is not None:
            series[day.isoformat()] = rates
    if not series:
        raise not_found()
    days = sorted(series)
    return {
        "amount": request.amount,
        "base": request.base,
        "start_date": days[0],
        "end_date": days[-1],
        "rates": series,
    }
