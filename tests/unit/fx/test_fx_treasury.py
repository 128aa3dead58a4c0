"""The treasury's RUB rates from configuration: SSM (moto) read lazily and cached, the last table on SSM
errors (stale), the FX_TREASURY_RATES setting as fallback, and invalid documents refused."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date
from decimal import Decimal

import boto3
import pytest
from moto import mock_aws

from bank_shared.aws import reset_clients
from bank_shared.transaction_guard import NetworkCallInTransaction
from fx_service import treasury
from fx_service.settings import get_fx_settings
from fx_service.treasury import InvalidTreasuryRates, TreasuryUnavailable, parse_table, treasury_table
from tests.support.fake_db import fake_unit_of_work

PARAMETER = "/bank/test/fx/treasury_rates"
TABLE = {"base": "RUB", "as_of": "2026-11-25", "rates": {"USD": "81.4500", "EUR": "94.3000", "CNY": "11.42"}}


@pytest.fixture(autouse=True)
def fresh(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)
    for name in ("FX_TREASURY_RATES", "FX_TREASURY_RATES_PARAMETER", "FX_TREASURY_REFRESH_SECONDS"):
        monkeypatch.delenv(name, raising=False)
    get_fx_settings.cache_clear()
    reset_clients()
    treasury.forget_treasury()
    yield
    get_fx_settings.cache_clear()
    reset_clients()
    treasury.forget_treasury()


def test_parse_reads_decimal_strings_never_floats() -> None:
    table = parse_table(json.dumps(TABLE), "setting")
    assert (table.home, table.as_of, table.origin, table.stale) == ("RUB", date(2026, 11, 25), "setting", False)
    assert table.rates == {"USD": Decimal("81.4500"), "EUR": Decimal("94.3000"), "CNY": Decimal("11.42")}
    assert parse_table('{"as_of": "2026-11-25", "rates": {"usd": 81.45}}', "x").rates["USD"] == Decimal("81.45")


@pytest.mark.parametrize("document", [
    "not json", "[]", '{"rates": {"USD": "81"}}', '{"as_of": "yesterday", "rates": {"USD": "81"}}',
    '{"as_of": "2026-11-25", "rates": {}}', '{"as_of": "2026-11-25", "rates": {"USD": "0"}}',
    '{"as_of": "2026-11-25", "rates": {"USD": "-1"}}', '{"as_of": "2026-11-25", "rates": {"USD": "NaN"}}',
    '{"as_of": "2026-11-25", "rates": {"USD": true}}', '{"as_of": "2026-11-25", "rates": {"RUB": "1"}}',
    '{"as_of": "2026-11-25", "rates": {"DOLLAR": "81"}}', '{"base": "R", "as_of": "2026-11-25", "rates": {"USD": "1"}}',
])
def test_invalid_documents_are_refused(document: str) -> None:
    with pytest.raises(InvalidTreasuryRates):
        parse_table(document, "setting")


def test_nothing_configured_means_no_table() -> None:
    assert treasury_table() is None


def test_setting_when_no_parameter(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FX_TREASURY_RATES", json.dumps(TABLE))
    table = treasury_table()
    assert table is not None and table.origin == "setting" and table.rates["USD"] == Decimal("81.4500")


def test_from_ssm_cached_then_refreshed_then_last_table_when_unreadable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FX_TREASURY_RATES_PARAMETER", PARAMETER)
    monkeypatch.setenv("FX_TREASURY_RATES", json.dumps({**TABLE, "rates": {"USD": "1"}}))
    with mock_aws():
        ssm = boto3.client("ssm", region_name="eu-central-1")
        ssm.put_parameter(Name=PARAMETER, Value=json.dumps(TABLE), Type="String")
        first = treasury_table()
        assert first is not None and first.origin == "ssm" and not first.stale
        assert first.rates["USD"] == Decimal("81.4500")
        ssm.put_parameter(Name=PARAMETER, Value=json.dumps({**TABLE, "rates": {"USD": "82.10"}}), Type="String",
                          Overwrite=True)
        assert treasury_table() is first  # within the refresh interval: the in-process copy
        treasury._cached = None  # the interval has passed
        second = treasury_table()
        assert second is not None and second.rates == {"USD": Decimal("82.10")}
        ssm.put_parameter(Name=PARAMETER, Value="{broken", Type="String", Overwrite=True)
        treasury._cached = None
        third = treasury_table()
        assert third is not None and third.stale and third.rates == {"USD": Decimal("82.10")}
        ssm.delete_parameter(Name=PARAMETER)
        treasury._cached = None
        fourth = treasury_table()
        assert fourth is not None and fourth.stale and fourth.rates == {"USD": Decimal("82.10")}


def test_unreadable_parameter_falls_back_to_the_setting_then_fails(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FX_TREASURY_RATES_PARAMETER", PARAMETER)
    with mock_aws():  # the parameter does not exist
        with pytest.raises(TreasuryUnavailable):
            treasury_table()
        monkeypatch.setenv("FX_TREASURY_RATES", json.dumps(TABLE))
        get_fx_settings.cache_clear()
        table = treasury_table()
        assert table is not None and table.origin == "setting"


def test_a_read_inside_a_transaction_is_refused_even_when_the_copy_is_fresh(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FX_TREASURY_RATES_PARAMETER", PARAMETER)
    with mock_aws():
        boto3.client("ssm", region_name="eu-central-1").put_parameter(Name=PARAMETER, Value=json.dumps(TABLE),
                                                                      Type="String")
        assert treasury_table() is not None  # read with no transaction open: the in-process copy is fresh now
        with fake_unit_of_work(), pytest.raises(NetworkCallInTransaction, match="aws:ssm"):
            treasury_table()
