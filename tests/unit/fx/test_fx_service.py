"""RatesService with fakeredis and the fake Frankfurter: keys, TTLs, hits, stale fallback, refusals."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

import fakeredis
import pytest
from fx_fakes import TODAY, BrokenRedis, FakeFrankfurter

from fx_service import cache
from fx_service.cache import RatesCache
from fx_service.domain import InvalidRatesRequest, RatesNotFound, RatesUnavailable, UnsupportedCurrency
from fx_service.providers import FrankfurterProvider
from fx_service.service import RatesService


def rate_calls(frankfurter: FakeFrankfurter) -> list[str]:
    return [path for path in frankfurter.paths() if not path.endswith("/currencies")]


def test_key_formats() -> None:
    assert cache.latest_key("USD", ("EUR", "GBP")) == "fx:latest:USD:EUR,GBP"
    assert cache.latest_key("USD", ()) == "fx:latest:USD:"
    assert cache.last_known_latest_key("USD", ("EUR",)) == "fx:last_known:latest:USD:EUR"
    assert cache.history_key(date(2026, 11, 20), "EUR", ("USD",)) == "fx:history:2026-11-20:EUR:USD"


def test_miss_fetches_and_writes_both_keys(service: RatesService, redis: fakeredis.FakeRedis) -> None:
    served = service.latest("USD", ("EUR", "GBP"))
    assert (served.cached, served.stale) == (False, False)
    assert served.value.rates["EUR"] == Decimal("0.86371")
    assert 86_395 <= redis.ttl("fx:latest:USD:EUR,GBP") <= 86_400
    assert redis.ttl("fx:last_known:latest:USD:EUR,GBP") > 86_400 * 7
    doc = json.loads(redis.get("fx:latest:USD:EUR,GBP"))
    assert doc["rates"] == {"EUR": "0.86371", "GBP": "0.76041"}  # decimal strings in the cache too


def test_second_call_is_a_hit_without_calling_frankfurter(service: RatesService,
                                                         frankfurter: FakeFrankfurter) -> None:
    first = service.latest("USD", ("EUR",))
    before = len(frankfurter.calls)
    second = service.latest("USD", ("EUR",))
    assert (second.cached, second.stale) == (True, False)
    assert second.value == first.value
    assert len(frankfurter.calls) == before


def test_fresh_hit_survives_a_provider_outage(service: RatesService, frankfurter: FakeFrankfurter) -> None:
    service.latest("USD", ("EUR",))
    frankfurter.mode = "error"
    served = service.latest("USD", ("EUR",))
    assert (served.cached, served.stale) == (True, False)


@pytest.mark.parametrize("mode", ["error", "timeout", "garbage"])
def test_outage_serves_last_known_marked_stale(service: RatesService, frankfurter: FakeFrankfurter,
                                               redis: fakeredis.FakeRedis, mode: str) -> None:
    fresh = service.latest("USD", ("EUR", "GBP"))
    redis.delete("fx:latest:USD:EUR,GBP")  # the 24 h copy expired
    frankfurter.mode = mode
    served = service.latest("USD", ("EUR", "GBP"))
    assert (served.cached, served.stale) == (True, True)
    assert served.value.rates == fresh.value.rates
    assert served.value.fetched_at == fresh.value.fetched_at
    assert redis.get("fx:latest:USD:EUR,GBP") is None  # stale data is never promoted to fresh


def test_nothing_known_during_an_outage_is_503(service: RatesService, frankfurter: FakeFrankfurter) -> None:
    service.currencies()  # the currency list is known, the rates are not
    frankfurter.mode = "error"
    with pytest.raises(RatesUnavailable) as caught:
        service.latest("GBP", ("CHF",))
    assert caught.value.status == 503
    assert caught.value.code == "rates_unavailable"


def test_cold_outage_does_not_wait_for_the_provider_twice(service: RatesService,
                                                          frankfurter: FakeFrankfurter) -> None:
    frankfurter.mode = "timeout"
    with pytest.raises(RatesUnavailable):
        service.latest("USD", ("EUR",))
    assert frankfurter.paths() == ["/v1/currencies"]


def test_symbols_normalised_by_the_caller_share_one_key(service: RatesService, redis: fakeredis.FakeRedis) -> None:
    from fx_service.domain import normalise_symbols

    assert normalise_symbols(["gbp", " EUR", "eur", ""]) == ("EUR", "GBP")
    service.latest("USD", normalise_symbols(["gbp", "eur", "EUR"]))
    assert service.latest("USD", normalise_symbols(["EUR", "GBP"])).cached


def test_empty_symbol_set_is_cached_under_the_trailing_colon_key(service: RatesService,
                                                                 redis: fakeredis.FakeRedis) -> None:
    served = service.latest("USD", ())
    assert set(served.value.rates) == {"EUR", "GBP", "JPY", "CHF"}
    assert redis.exists("fx:latest:USD:")


def test_unsupported_currency_is_refused_before_any_rate_call(service: RatesService,
                                                              frankfurter: FakeFrankfurter,
                                                              redis: fakeredis.FakeRedis) -> None:
    with pytest.raises(UnsupportedCurrency) as caught:
        service.latest("USD", ("EUR", "RUB"))
    assert caught.value.code == "unsupported_currency"
    assert caught.value.status == 422
    assert caught.value.extra["currencies"] == ["RUB"]
    assert rate_calls(frankfurter) == []
    assert not redis.keys("fx:latest:*")


def test_unsupported_base(service: RatesService) -> None:
    with pytest.raises(UnsupportedCurrency):
        service.latest("RUB", ("EUR",))


def test_symbol_dropped_by_the_provider_is_unsupported(provider: FrankfurterProvider,
                                                       frankfurter: FakeFrankfurter) -> None:
    service = RatesService(provider, RatesCache(fakeredis.FakeRedis(decode_responses=True)), today=lambda: TODAY)
    frankfurter.drop_symbols = {"CHF"}  # listed as a currency, but no rate today
    with pytest.raises(UnsupportedCurrency):
        service.latest("EUR", ("CHF", "USD"))


def test_base_among_symbols_is_a_field_error(service: RatesService) -> None:
    with pytest.raises(InvalidRatesRequest) as caught:
        service.latest("USD", ("EUR", "USD"))
    assert caught.value.extra["errors"][0]["field"] == "symbols"


def test_redis_down_still_answers_from_the_provider(provider: FrankfurterProvider) -> None:
    service = RatesService(provider, RatesCache(BrokenRedis()), today=lambda: TODAY)
    served = service.latest("USD", ("EUR",))
    assert (served.cached, served.stale) == (False, False)


def test_corrupt_cache_entry_is_a_miss(service: RatesService, redis: fakeredis.FakeRedis) -> None:
    redis.set("fx:latest:USD:EUR", "{not json")
    assert service.latest("USD", ("EUR",)).cached is False
    redis.set("fx:latest:USD:EUR", json.dumps({"base": "USD"}))
    assert service.latest("USD", ("EUR",)).cached is False


# --- historical ---


def test_settled_date_is_cached_for_30_days(service: RatesService, redis: fakeredis.FakeRedis,
                                            frankfurter: FakeFrankfurter) -> None:
    served = service.historical(date(2026, 11, 20), "EUR", ("USD",))
    assert (served.cached, served.value.rate_date) == (False, date(2026, 11, 20))
    ttl = redis.ttl("fx:history:2026-11-20:EUR:USD")
    assert cache.SETTLED_HISTORY_TTL_SECONDS - 5 <= ttl <= cache.SETTLED_HISTORY_TTL_SECONDS
    frankfurter.mode = "error"
    assert service.historical(date(2026, 11, 20), "EUR", ("USD",)).cached is True


def test_recent_date_is_cached_briefly(service: RatesService, redis: fakeredis.FakeRedis) -> None:
    service.historical(TODAY, "EUR", ("USD",))
    assert redis.ttl(f"fx:history:{TODAY.isoformat()}:EUR:USD") <= cache.RECENT_HISTORY_TTL_SECONDS


def test_future_and_pre_ecb_dates_are_field_errors(service: RatesService) -> None:
    with pytest.raises(InvalidRatesRequest):
        service.historical(date(2026, 11, 27), "EUR", ("USD",))
    with pytest.raises(InvalidRatesRequest):
        service.historical(date(1998, 12, 31), "EUR", ("USD",))


def test_date_without_data_is_not_found(service: RatesService) -> None:
    with pytest.raises(RatesNotFound):
        service.historical(date(2020, 1, 2), "EUR", ("USD",))


def test_history_outage_without_cache_is_503(service: RatesService, frankfurter: FakeFrankfurter) -> None:
    service.currencies()
    frankfurter.mode = "error"
    with pytest.raises(RatesUnavailable):
        service.historical(date(2026, 11, 19), "EUR", ("USD",))


# --- currencies ---


def test_currencies_cached_then_stale(service: RatesService, frankfurter: FakeFrankfurter,
                                      redis: fakeredis.FakeRedis) -> None:
    assert service.currencies().cached is False
    assert 86_395 <= redis.ttl("fx:currencies") <= 86_400
    assert service.currencies().cached is True
    redis.delete("fx:currencies")
    frankfurter.mode = "error"
    served = service.currencies()
    assert (served.cached, served.stale) == (True, True)
    redis.delete("fx:last_known:currencies")
    with pytest.raises(RatesUnavailable):
        service.currencies()
