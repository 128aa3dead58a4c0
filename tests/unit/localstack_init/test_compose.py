"""localstack/docker-compose.yml: services, ports against stack.env, init mounts, healthchecks.

``docker compose`` cannot run here, so the file is checked structurally with PyYAML.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml

LOCALSTACK = Path(__file__).resolve().parents[3] / "localstack"
COMPOSE = LOCALSTACK / "docker-compose.yml"
SERVICES = [
    "auth",
    "customer",
    "office",
    "accounts",
    "ledger",
    "fx",
    "utilities",
    "contracts",
    "notifications",
]
# compose service -> (stack.env variable, container port)
PUBLISHED = {
    "postgres": ("PG_PORT", 5432),
    "redis": ("REDIS_PORT", 6379),
    "kafka": ("KAFKA_PORT", 19092),
    "localstack": ("LOCALSTACK_PORT", 4566),
    "frankfurter": ("FRANKFURTER_PORT", 8089),
}
PORT_SPEC = re.compile(r"^\$\{(?P<var>[A-Z_]+):-(?P<default>\d+)\}:(?P<target>\d+)$")


def stack_env() -> dict[str, str]:
    values: dict[str, str] = {}
    for line in (LOCALSTACK / "stack.env").read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if line and not line.startswith("#") and "=" in line:
            key, value = line.split("=", 1)
            values[key.strip()] = value.strip()
    return values


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    return yaml.safe_load(COMPOSE.read_text(encoding="utf-8"))


def service(compose: dict[str, Any], name: str) -> dict[str, Any]:
    return compose["services"][name]


def volume_targets(svc: dict[str, Any]) -> dict[str, str]:
    """Container path -> host source, for bind mounts given as ``src:dst[:mode]``."""
    mounts: dict[str, str] = {}
    for spec in svc.get("volumes", []):
        source, target = spec.split(":")[:2]
        mounts[target] = source
    return mounts


def test_required_services(compose: dict[str, Any]) -> None:
    assert set(compose["services"]) >= {
        "postgres",
        "redis",
        "kafka",
        "localstack",
        "redis-commander",
        "frankfurter",
    }
    assert service(compose, "postgres")["image"].startswith("postgres:15")
    assert service(compose, "redis")["image"].startswith("redis:7")
    assert service(compose, "kafka")["image"].startswith("apache/kafka:")
    assert service(compose, "localstack")["image"].startswith("localstack/localstack")
    assert service(compose, "frankfurter")["image"] == "python:3.12-slim"


@pytest.mark.parametrize("name", sorted(PUBLISHED))
def test_published_ports_match_stack_env(compose: dict[str, Any], name: str) -> None:
    variable, container_port = PUBLISHED[name]
    ports = service(compose, name)["ports"]
    assert len(ports) == 1
    match = PORT_SPEC.match(ports[0])
    assert match, ports[0]
    assert match["var"] == variable
    assert match["default"] == stack_env()[variable]
    assert int(match["target"]) == container_port


def test_every_service_has_a_healthcheck(compose: dict[str, Any]) -> None:
    for name, svc in compose["services"].items():
        check = svc.get("healthcheck")
        assert check, f"{name} has no healthcheck"
        assert check["test"], name
        assert check["test"][0] in ("CMD", "CMD-SHELL"), name


def test_postgres_init_mount_and_script(compose: dict[str, Any]) -> None:
    mounts = volume_targets(service(compose, "postgres"))
    source = mounts["/docker-entrypoint-initdb.d/init.sql"]
    assert (COMPOSE.parent / source).resolve() == LOCALSTACK / "postgres" / "init.sql"
    sql = (LOCALSTACK / "postgres" / "init.sql").read_text(encoding="utf-8")
    for name in SERVICES:
        assert f"CREATE ROLE {name} LOGIN PASSWORD '{name}-local-password';" in sql
        assert f"CREATE DATABASE {name} OWNER {name}" in sql
        assert f"REVOKE ALL ON DATABASE {name} FROM PUBLIC;" in sql
    assert "REVOKE CONNECT ON DATABASE postgres FROM PUBLIC;" in sql


def test_localstack_runs_init_from_ready_d(compose: dict[str, Any]) -> None:
    svc = service(compose, "localstack")
    source = volume_targets(svc)["/etc/localstack/init/ready.d"]
    assert (COMPOSE.parent / source).resolve() == LOCALSTACK / "init"
    assert (LOCALSTACK / "init" / "init_aws.py").is_file()
    assert str(svc["environment"]["EAGER_SERVICE_LOADING"]) == "1"
    assert "/_localstack/init/ready" in " ".join(svc["healthcheck"]["test"])


def test_ready_d_holds_only_the_init_script() -> None:
    """LocalStack executes every .sh/.py in ready.d, so nothing else may sit there."""
    scripts = [p.name for p in (LOCALSTACK / "init").iterdir() if p.suffix in (".py", ".sh")]
    assert scripts == ["init_aws.py"]


def test_kafka_is_kraft_with_host_listener(compose: dict[str, Any]) -> None:
    env = service(compose, "kafka")["environment"]
    assert env["KAFKA_PROCESS_ROLES"] == "broker,controller"
    assert "HOST://0.0.0.0:19092" in env["KAFKA_LISTENERS"]
    assert "HOST://127.0.0.1:${KAFKA_PORT:-19092}" in env["KAFKA_ADVERTISED_LISTENERS"]
    assert re.fullmatch(r"[A-Za-z0-9_-]{22}", env["CLUSTER_ID"])


def test_frankfurter_runs_the_mounted_stand_in(compose: dict[str, Any]) -> None:
    svc = service(compose, "frankfurter")
    source = volume_targets(svc)[f"{svc['working_dir']}/frankfurter_standin"]
    assert (COMPOSE.parent / source).resolve() == LOCALSTACK / "frankfurter_standin"
    command = svc["command"]
    assert command[:3] == ["python", "-m", "frankfurter_standin"]
    assert "0.0.0.0" in command  # noqa: S104 - inside the container


def test_redis_commander_points_at_redis(compose: dict[str, Any]) -> None:
    svc = service(compose, "redis-commander")
    assert "redis:6379" in svc["environment"]["REDIS_HOSTS"]
    assert svc["depends_on"]["redis"]["condition"] == "service_healthy"
