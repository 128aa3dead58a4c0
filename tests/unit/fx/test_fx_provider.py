"""FrankfurterProvider over httpx.MockTransport: parsing, parameters, and how failures are classified."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import httpx
import pytest
from fx_fakes import FakeFrankfurter

from bank_shared.observability import bind_request_id
from fx_service.providers import FrankfurterProvider, ProviderRejected, ProviderUnavailable, RatesProvider


def test_is_a_rates_provider(provider: FrankfurterProvider) -> None:
    assert isinstance(provider, RatesProvider)
    assert provider.name == "frankfurter"


def test_latest_parses_rates_as_decimals_never_floats(provider: FrankfurterProvider) -> None:
    sheet = provider.latest("EUR", ("GBP", "JPY"))
    assert sheet.base == "EUR"
    assert sheet.rate_date == date(2026, 11, 25)
    assert sheet.rates == {"GBP": Decimal("0.8804"), "JPY": Decimal("181.81")}
    assert all(type(rate) is Decimal for rate in sheet.rates.values())
    assert sheet.source == "frankfurter"


def test_sends_base_and_comma_joined_symbols(provider: FrankfurterProvider, frankfurter: FakeFrankfurter) -> None:
    provider.latest("USD", ("EUR", "GBP"))
    request = frankfurter.calls[-1]
    assert request.url.path == "/v1/latest"
    assert dict(request.url.params) == {"base": "USD", "symbols": "EUR,GBP"}


def test_empty_symbols_are_not_sent(provider: FrankfurterProvider, frankfurter: FakeFrankfurter) -> None:
    provider.latest("USD", ())
    assert "symbols" not in frankfurter.calls[-1].url.params


def test_historical_uses_the_date_path(provider: FrankfurterProvider, frankfurter: FakeFrankfurter) -> None:
    sheet = provider.historical(date(2026, 11, 20), "EUR", ("USD",))
    assert frankfurter.calls[-1].url.path == "/v1/2026-11-20"
    assert sheet.rate_date == date(2026, 11, 20)


def test_currencies(provider: FrankfurterProvider) -> None:
    assert provider.currencies().names["GBP"] == "British Pound"


@pytest.mark.parametrize("mode", ["error", "timeout", "garbage"])
def test_transient_failures_are_unavailable(provider: FrankfurterProvider, frankfurter: FakeFrankfurter,
                                            mode: str) -> None:
    frankfurter.mode = mode
    with pytest.raises(ProviderUnavailable):
        provider.latest("EUR", ("USD",))


def test_connection_refused_is_unavailable() -> None:
    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("refused", request=request)

    provider = FrankfurterProvider.from_settings("http://x.test", 1.0, 0.5, transport=httpx.MockTransport(refuse))
    with pytest.raises(ProviderUnavailable):
        provider.currencies()


def test_not_found_is_a_rejection(provider: FrankfurterProvider) -> None:
    with pytest.raises(ProviderRejected) as caught:
        provider.latest("XXX", ("USD",))
    assert caught.value.status == 404


def test_malformed_rates_are_unavailable() -> None:
    def odd(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json={"base": "EUR", "rates": {"USD": 1}})  # no date

    provider = FrankfurterProvider.from_settings("http://x.test", 1.0, 0.5, transport=httpx.MockTransport(odd))
    with pytest.raises(ProviderUnavailable):
        provider.latest("EUR", ("USD",))


def test_short_timeouts_from_settings() -> None:
    provider = FrankfurterProvider.from_settings("http://x.test/v1", 1.5, 0.5)
    timeout = provider._client.timeout
    assert (timeout.connect, timeout.read) == (0.5, 1.5)
    assert str(provider._client.base_url) == "http://x.test/v1/"


def test_forwards_the_request_id(provider: FrankfurterProvider, frankfurter: FakeFrankfurter) -> None:
    bind_request_id("req-123")
    provider.currencies()
    assert frankfurter.calls[-1].headers["x-request-id"] == "req-123"
