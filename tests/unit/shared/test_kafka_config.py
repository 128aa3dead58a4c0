from collections.abc import Iterator

import pytest

from bank_shared.events import kafka
from bank_shared.settings import get_settings


@pytest.fixture(autouse=True)
def fresh_settings(monkeypatch: pytest.MonkeyPatch) -> Iterator[pytest.MonkeyPatch]:
    get_settings.cache_clear()
    yield monkeypatch
    get_settings.cache_clear()


def test_plaintext_locally(fresh_settings: pytest.MonkeyPatch) -> None:
    fresh_settings.setenv("KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:19092")
    config = kafka.producer_config()
    assert config["bootstrap.servers"] == "127.0.0.1:19092"
    assert config["enable.idempotence"] is True
    assert "security.protocol" not in config


def test_msk_iam_uses_oauthbearer_with_the_signer(fresh_settings: pytest.MonkeyPatch) -> None:
    fresh_settings.setenv("KAFKA_SECURITY", "msk_iam")
    fresh_settings.setenv("AWS_DEFAULT_REGION", "eu-west-1")
    config = kafka.producer_config()
    assert config["security.protocol"] == "SASL_SSL"
    assert config["sasl.mechanisms"] == "OAUTHBEARER"
    calls: list[str] = []

    def fake_generate_auth_token(region: str) -> tuple[str, int]:
        calls.append(region)
        return "signed-token", 1_800_000_000_000

    from aws_msk_iam_sasl_signer import MSKAuthTokenProvider

    fresh_settings.setattr(MSKAuthTokenProvider, "generate_auth_token", fake_generate_auth_token)
    assert config["oauth_cb"]("ignored") == ("signed-token", 1_800_000_000.0)
    assert calls == ["eu-west-1"]
