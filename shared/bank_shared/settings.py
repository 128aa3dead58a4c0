"""Validated service settings read from the Lambda environment.

Outside `local`/`test` the settings refuse placeholder secrets and insecure transports, so a misconfigured
deployment fails at cold start instead of running with a demo password.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Literal

from pydantic import Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

LOCAL_ENVIRONMENTS = frozenset({"local", "test"})
LOCAL_FUNCTION_PREFIX = "bank-local-"
_PLACEHOLDER_MARKERS = ("changeme", "change-me", "placeholder", "local-password", "secret", "password")


class ServiceSettings(BaseSettings):
    """Settings every service shares; services subclass it for their own knobs."""

    model_config = SettingsConfigDict(extra="ignore", case_sensitive=False)

    service_name: str = Field(default="bank", validation_alias="POWERTOOLS_SERVICE_NAME")
    app_env: Literal["local", "test", "dev", "prod"] = "local"
    database_url: SecretStr | None = None
    db_secret_id: str | None = None
    redis_url: str = "redis://127.0.0.1:63799/0"
    kafka_bootstrap_servers: str = "127.0.0.1:19092"
    kafka_security: Literal["plaintext", "msk_iam"] = "plaintext"
    aws_region: str = Field(default="eu-central-1", validation_alias="AWS_DEFAULT_REGION")
    aws_endpoint_url: str | None = None
    jwt_issuer: str = "http://127.0.0.1:3000/api/auth"
    jwt_audience: str = "bank-api"
    # Other services are reached by invoking their functions directly (bank_shared.http): the function of
    # service `x` is SERVICE_FUNCTION_PREFIX + x; LAMBDA_ENDPOINT_URL points boto3 at the local gateway's
    # Lambda Invoke API (local only; None in AWS).
    service_function_prefix: str = LOCAL_FUNCTION_PREFIX
    lambda_endpoint_url: str | None = None
    http_timeout_seconds: float = 3.0
    kafka_flush_timeout_seconds: float = 1.5
    # The services whose direct invokes may name an employee they act for (`X-Acting-Employee`): the back office.
    # Configuration, so the shared layer names no service: the template sets it, unset means nobody may.
    services_acting_for_staff: str = ""
    # HMAC key of one-time links (read by auth, which issues them, and notifications, which mails them).
    one_time_link_key_secret_id: str = "bank/local/auth/one-time-link-key"

    @property
    def acting_for_staff(self) -> frozenset[str]:
        return frozenset(name.strip() for name in self.services_acting_for_staff.split(",") if name.strip())

    @property
    def is_local(self) -> bool:
        return self.app_env in LOCAL_ENVIRONMENTS

    @model_validator(mode="after")
    def _refuse_unsafe_deployments(self) -> ServiceSettings:
        if self.is_local:
            return self
        problems = self._data_plane_problems() + self._endpoint_problems()
        if problems:
            raise ValueError("; ".join(problems))
        return self

    def _data_plane_problems(self) -> list[str]:
        """Database, Kafka and cache settings that would quietly point a deployed function at nothing real."""
        problems: list[str] = []
        if self.database_url is not None and _looks_like_placeholder(self.database_url.get_secret_value()):
            problems.append("DATABASE_URL carries a placeholder password; use DB_SECRET_ID")
        if self.database_url is None and not self.db_secret_id:
            problems.append("DB_SECRET_ID is required")
        if self.kafka_security != "msk_iam":
            problems.append("KAFKA_SECURITY must be msk_iam outside local")
        if _is_loopback_or_empty(self.kafka_bootstrap_servers):
            problems.append("KAFKA_BOOTSTRAP_SERVERS must name the MSK brokers (it is empty or loopback)")
        if _is_loopback_or_empty(self.redis_url):
            problems.append("REDIS_URL must name the cache (it is empty or loopback)")
        elif not self.redis_url.startswith("rediss://"):
            problems.append("REDIS_URL must use TLS (rediss://) outside local")
        return problems

    def _endpoint_problems(self) -> list[str]:
        """Emulator endpoints, the local function prefix and a plain-http issuer have no place in AWS."""
        problems: list[str] = []
        if self.aws_endpoint_url:
            problems.append("AWS_ENDPOINT_URL must not point at an emulator outside local")
        if self.lambda_endpoint_url:
            problems.append("LAMBDA_ENDPOINT_URL must not point at an emulator outside local")
        if not self.service_function_prefix.strip() or self.service_function_prefix == LOCAL_FUNCTION_PREFIX:
            problems.append("SERVICE_FUNCTION_PREFIX must name this stage's functions (e.g. bank-prod-)")
        if not self.jwt_issuer.startswith("https://"):
            problems.append("JWT_ISSUER must be https outside local")
        return problems


_LOOPBACK_HOSTS = frozenset({"localhost", "127.0.0.1", "::1", "0.0.0.0", "[::1]"})  # noqa: S104 - a name, not a bind


def _is_loopback_or_empty(addresses: str) -> bool:
    """True when a broker list (`host:port,...`) or a URL names no host, or any host on this machine."""
    hosts = [_host_of(item) for item in addresses.split(",") if item.strip()]
    return not hosts or any(not host or host in _LOOPBACK_HOSTS or host.startswith("127.") for host in hosts)


def _host_of(address: str) -> str:
    address = address.strip()
    if "://" in address:
        address = address.split("://", 1)[1]
    address = address.split("/", 1)[0].rsplit("@", 1)[-1]
    if address.startswith("["):  # [v6]:port
        return address.split("]", 1)[0] + "]"
    return address.rsplit(":", 1)[0] if address.count(":") == 1 else address


def _looks_like_placeholder(url: str) -> bool:
    lowered = url.lower()
    return any(marker in lowered for marker in _PLACEHOLDER_MARKERS)


@lru_cache(maxsize=1)
def get_settings() -> ServiceSettings:
    """The process-wide settings, read once per execution environment."""
    return ServiceSettings()
