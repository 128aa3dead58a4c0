import pytest
from pydantic import ValidationError

from bank_shared.settings import ServiceSettings


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
    settings = ServiceSettings(app_env="prod", db_secret_id="bank/prod/db/ledger", kafka_security="msk_iam",
                               jwt_issuer="https://bank.example/api/auth", service_function_prefix="bank-prod-")
    assert not settings.is_local and settings.lambda_endpoint_url is None
