import pytest
from pydantic import ValidationError

from bank_shared.settings import ServiceSettings
from tests.support.prod_settings import prod_wiring

PROD_WIRING = {k: v for k, v in prod_wiring().items() if k != "app_env"}


def test_local_settings_accept_local_defaults() -> None:
    settings = ServiceSettings(app_env="local", database_url="postgresql://a:b@127.0.0.1/x")
    assert settings.is_local


def test_production_refuses_placeholders_and_local_transports() -> None:
    with pytest.raises(ValidationError) as caught:
        ServiceSettings(app_env="prod", database_url="postgresql://ledger:changeme@db/ledger",
                        aws_endpoint_url="http://127.0.0.1:4566")
    message = str(caught.value)
    assert "placeholder" in message
    assert "msk_iam" in message
    assert "emulator" in message
    assert "https" in message


def test_production_refuses_an_invoke_emulator_and_local_or_missing_function_targets() -> None:
    for prefix in ("bank-local-", "", "  "):
        with pytest.raises(ValidationError) as caught:
            ServiceSettings(app_env="prod", db_secret_id="bank/prod/db/ledger", kafka_security="msk_iam",
                            jwt_issuer="https://bank.example/api/auth", service_function_prefix=prefix,
                            lambda_endpoint_url="http://127.0.0.1:3000")
        assert "LAMBDA_ENDPOINT_URL" in str(caught.value) and "SERVICE_FUNCTION_PREFIX" in str(caught.value)


def test_production_accepts_a_proper_configuration() -> None:
    settings = ServiceSettings(app_env="prod", **PROD_WIRING)
    assert not settings.is_local and settings.lambda_endpoint_url is None


@pytest.mark.parametrize("bootstrap", [
    "", " ", "127.0.0.1:19092", "localhost:9092", "b-1.example:9098,127.0.0.1:9092", "[::1]:9092", "::1",
    "127.0.1.1:9092", "0.0.0.0:9092",
])
def test_production_refuses_a_loopback_or_empty_kafka_bootstrap(bootstrap: str) -> None:
    with pytest.raises(ValidationError, match="KAFKA_BOOTSTRAP_SERVERS"):
        ServiceSettings(app_env="prod", **{**PROD_WIRING, "kafka_bootstrap_servers": bootstrap})


@pytest.mark.parametrize("redis_url", ["", "redis://127.0.0.1:63799/0", "rediss://localhost:6379/0",
                                       "rediss://user:pw@127.0.0.1:6379"])
def test_production_refuses_a_loopback_or_empty_redis_url(redis_url: str) -> None:
    with pytest.raises(ValidationError, match="REDIS_URL must name the cache"):
        ServiceSettings(app_env="dev", **{**PROD_WIRING, "redis_url": redis_url})


def test_production_refuses_redis_without_tls() -> None:
    with pytest.raises(ValidationError, match="rediss"):
        ServiceSettings(app_env="prod", **{**PROD_WIRING, "redis_url": "redis://cache.internal:6379/0"})


def test_loopback_is_fine_locally() -> None:
    settings = ServiceSettings(app_env="test", kafka_bootstrap_servers="127.0.0.1:19092",
                               redis_url="redis://127.0.0.1:63799/0")
    assert settings.is_local
