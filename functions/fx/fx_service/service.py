"""Use cases of the rates part of fx: latest and historical rates, and the currency list.

Reading order for `latest`: the 24 h key → the provider (then both keys are written) → on a provider
outage the long-lived last-known copy, marked stale → nothing known: 503 `rates_unavailable`.
Currencies are checked against the provider's list (itself cached) before any rate lookup, so an
unsupported code is a 422 `unsupported_currency` without a provider call and without a cache entry.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime, timedelta

from bank_shared.observability import logger
from fx_service import cache as keys
from fx_service.cache import RatesCache
from fx_service.domain import (
    CurrencyList,
    InvalidRatesRequest,
    RateSheet,
    RatesNotFound,
    RatesUnavailable,
    Served,
    UnsupportedCurrency,
)
from fx_service.providers import ProviderRejected, ProviderUnavailable, RatesProvider

# The ECB reference rates (Frankfurter's data) start on this day.
FIRST_RATE_DAY = date(1999, 1, 4)
# Days after which a date's answer can no longer change (the ECB has published it or a later day).
SETTLED_AFTER_DAYS = 2


def _today_utc() -> date:
    return datetime.now(UTC).date()


class RatesService:
    def __init__(self, provider: RatesProvider, cache: RatesCache,
                 today: Callable[[], date] = _today_utc) -> None:
        self._provider = provider
        self._cache = cache
        self._today = today

    def latest(self, base: str, symbols: Sequence[str]) -> Served[RateSheet]:
        provider_failing = self._check_request(base, symbols)
        fresh_key = keys.latest_key(base, symbols)
        if (cached := self._cache.get_sheet(fresh_key)) is not None:
            return Served(cached, cached=True, stale=False)
        try:
            if provider_failing:  # it just failed the currency list: do not wait for it twice
                raise ProviderUnavailable("the currency list call failed moments ago")
            sheet = self._provider.latest(base, symbols)
        except ProviderUnavailable as error:
            return self._last_known(base, symbols, error)
        except ProviderRejected as error:
            raise self._rejected(base, symbols, error) from None
        self._check_answer(sheet, symbols)
        self._cache.put_sheet(fresh_key, sheet, keys.LATEST_TTL_SECONDS)
        self._cache.put_sheet(keys.last_known_latest_key(base, symbols), sheet, keys.LAST_KNOWN_TTL_SECONDS)
        return Served(sheet, cached=False, stale=False)

    def historical(self, day: date, base: str, symbols: Sequence[str]) -> Served[RateSheet]:
        self.check_day(day)
        provider_failing = self._check_request(base, symbols)
        key = keys.history_key(day, base, symbols)
        if (cached := self._cache.get_sheet(key)) is not None:
            return Served(cached, cached=True, stale=False)
        try:
            if provider_failing:
                raise ProviderUnavailable("the currency list call failed moments ago")
            sheet = self._provider.historical(day, base, symbols)
        except ProviderUnavailable as error:
            logger.warning("fx history unavailable", extra={"day": day.isoformat(), "error": str(error)})
            raise RatesUnavailable(f"No rates known for {day.isoformat()} and the provider is unavailable",
                                   headers={"Retry-After": "30"}) from None
        except ProviderRejected as error:
            raise RatesNotFound(f"No {base} rates for {day.isoformat()}: {error.message}") from None
        self._check_answer(sheet, symbols)
        self._cache.put_sheet(key, sheet, self._history_ttl(day))
        return Served(sheet, cached=False, stale=False)

    def currencies(self) -> Served[CurrencyList]:
        if (cached := self._cache.get_currencies(keys.CURRENCIES_KEY)) is not None:
            return Served(cached, cached=True, stale=False)
        try:
            fresh = self._provider.currencies()
        except (ProviderUnavailable, ProviderRejected) as error:
            known = self._cache.get_currencies(keys.LAST_KNOWN_CURRENCIES_KEY)
            if known is None:
                raise RatesUnavailable("The currency list is unavailable",
                                       headers={"Retry-After": "30"}) from error
            return Served(known, cached=True, stale=True)
        self._cache.put_currencies(keys.CURRENCIES_KEY, fresh, keys.CURRENCIES_TTL_SECONDS)
        self._cache.put_currencies(keys.LAST_KNOWN_CURRENCIES_KEY, fresh, keys.LAST_KNOWN_TTL_SECONDS)
        return Served(fresh, cached=False, stale=False)

    # --- checks ---

    def _check_request(self, base: str, symbols: Sequence[str]) -> bool:
        """Refuses bad or unsupported codes; returns True when the provider is failing right now."""
        if base in symbols:
            raise InvalidRatesRequest("symbols", f"must not contain the base currency {base}")
        try:
            served = self.currencies()
        except RatesUnavailable:
            return True  # list unknown: the provider's own answer is checked instead (_check_answer)
        unsupported = [code for code in (base, *symbols) if code not in served.value.names]
        if unsupported:
            raise _unsupported(unsupported)
        return served.stale

    def _check_answer(self, sheet: RateSheet, symbols: Sequence[str]) -> None:
        missing = [code for code in symbols if code not in sheet.rates]
        if missing:  # Frankfurter drops unknown symbols silently
            raise _unsupported(missing)

    def today(self) -> date:
        """The current day as this service sees it (UTC; injected in tests)."""
        return self._today()

    def check_day(self, day: date) -> None:
        if day > self._today():
            raise InvalidRatesRequest("date", "must not be in the future")
        if day < FIRST_RATE_DAY:
            raise InvalidRatesRequest("date", f"reference rates start on {FIRST_RATE_DAY.isoformat()}")

    def _history_ttl(self, day: date) -> int:
        settled = day <= self._today() - timedelta(days=SETTLED_AFTER_DAYS)
        return keys.SETTLED_HISTORY_TTL_SECONDS if settled else keys.RECENT_HISTORY_TTL_SECONDS

    # --- fallbacks ---

    def _last_known(self, base: str, symbols: Sequence[str], error: Exception) -> Served[RateSheet]:
        known = self._cache.get_sheet(keys.last_known_latest_key(base, symbols))
        logger.warning("fx provider unavailable", extra={"error": str(error), "stale_served": known is not None})
        if known is None:
            raise RatesUnavailable(f"No {base} rates are known and the rate provider is unavailable",
                                   headers={"Retry-After": "30"})
        return Served(known, cached=True, stale=True)

    def _rejected(self, base: str, symbols: Sequence[str], error: ProviderRejected) -> Exception:
        if error.status == 404:  # Frankfurter: unknown base, or no known symbol left
            return _unsupported([base, *symbols])
        return RatesUnavailable(f"The rate provider refused the request: {error.message}")


def _unsupported(codes: Sequence[str]) -> UnsupportedCurrency:
    listed = ", ".join(codes)
    return UnsupportedCurrency(f"No exchange rates are published for: {listed}", currencies=list(codes))
