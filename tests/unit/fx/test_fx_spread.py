"""The bank's spread: from SSM when configured (moto), the setting otherwise, the last value on SSM errors."""

from __future__ import annotations

from collections.abc import Iterator

import boto3
import pytest
from moto import mock_aws

from bank_shared.aws import reset_clients
from fx_service import spread
from fx_service.settings import get_fx_settings

PARAMETER = "/bank/test/fx/spread_bps"


@pytest.fixture(autouse=True)
def fresh(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)
    for setting in (get_fx_settings,):
        setting.cache_clear()
    reset_clients()
    spread.forget_spread()
    yield
    get_fx_settings.cache_clear()
    reset_clients()
    spread.forget_spread()


def test_setting_when_no_parameter(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FX_SPREAD_BPS", "75")
    assert spread.spread_bps() == 75


def test_from_ssm_then_cached_then_last_value_on_errors(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FX_SPREAD_PARAMETER", PARAMETER)
    monkeypatch.setenv("FX_SPREAD_REFRESH_SECONDS", "0")
    with mock_aws():
        ssm = boto3.client("ssm", region_name="eu-central-1")
        ssm.put_parameter(Name=PARAMETER, Value="50", Type="String")
        assert spread.spread_bps() == 50
        ssm.put_parameter(Name=PARAMETER, Value="120", Type="String", Overwrite=True)
        assert spread.spread_bps() == 120
        ssm.put_parameter(Name=PARAMETER, Value="not a number", Type="String", Overwrite=True)
        assert spread.spread_bps() == 120
        ssm.delete_parameter(Name=PARAMETER)
        assert spread.spread_bps() == 120
