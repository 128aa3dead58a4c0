"""The local stack as `make up` leaves it: isolation between service databases, every piece healthy,
topics and secrets in place, and `up` idempotent (a second run restarts nothing)."""

from __future__ import annotations

import json
import socket
import subprocess
import urllib.request
from pathlib import Path
from typing import Any

import pytest

from tests.support.services import SERVICES
from tests.support.stack import localstack_aws

REPO = Path(__file__).resolve().parents[3]
LOCAL = REPO / ".local"
STACKCTL = REPO / "localstack" / "stackctl.py"
TOPICS_FILE = REPO / "localstack" / "kafka" / "topics.txt"
PIECES = ("postgres", "redis", "kafka", "localstack", "frankfurter", "redis-commander", "hec", "kafka-connect",
          "gateway", "card-network")


@pytest.fixture(scope="module")
def stack() -> dict[str, Any]:
    path = LOCAL / "stack.json"
    if not path.is_file():
        pytest.fail(".local/stack.json is missing: run `make up` first (make test does it)")
    data: dict[str, Any] = json.loads(path.read_text())
    return data


def _stackctl(*args: str) -> subprocess.CompletedProcess[str]:
    # The machine's python3 runs the launcher: it must not depend on the venv.
    return subprocess.run(["python3", str(STACKCTL), *args], cwd=REPO, capture_output=True, text=True,
                          timeout=600, check=False)


def _pids() -> dict[str, str]:
    run = LOCAL / "run"
    return {p: (run / f"{p}.pid").read_text().strip() for p in PIECES if (run / f"{p}.pid").is_file()}


def _connect(url: str, dbname: str) -> Any:
    import psycopg
    from psycopg.conninfo import conninfo_to_dict, make_conninfo

    params = conninfo_to_dict(url)
    params["dbname"] = dbname
    return psycopg.connect(make_conninfo(**params), connect_timeout=5)




@pytest.mark.parametrize("service", SERVICES)
def test_service_role_reaches_only_its_own_database(stack: dict[str, Any], service: str) -> None:
    import psycopg

    url = stack["services"][service]["database_url"]
    with _connect(url, service) as conn:
        row = conn.execute("select current_user, current_database()").fetchone()
        assert row == (service, service)
    for other in (*[s for s in SERVICES if s != service], "postgres", "template1"):
        with pytest.raises(psycopg.OperationalError):
            _connect(url, other).close()


def test_status_exits_zero() -> None:
    result = _stackctl("status")
    assert result.returncode == 0, result.stdout + result.stderr


def test_redis_answers_ping(stack: dict[str, Any]) -> None:
    host_port = stack["redis_url"].split("//", 1)[1].split("/", 1)[0]
    host, port = host_port.rsplit(":", 1)
    with socket.create_connection((host, int(port)), timeout=3) as sock:
        sock.sendall(b"PING\r\n")
        assert sock.recv(16).startswith(b"+PONG")


def test_kafka_has_every_topic(stack: dict[str, Any]) -> None:
    from confluent_kafka.admin import AdminClient

    wanted = {}
    for line in TOPICS_FILE.read_text().splitlines():
        parts = line.split("#", 1)[0].split()
        if parts:
            wanted[parts[0]] = int(parts[1]) if len(parts) > 1 else 3
    admin = AdminClient({"bootstrap.servers": stack["kafka_bootstrap"]})
    topics = admin.list_topics(timeout=10).topics
    for name, partitions in wanted.items():
        assert name in topics, f"topic {name} missing"
        assert len(topics[name].partitions) == partitions


def test_localstack_health_lists_the_services(stack: dict[str, Any]) -> None:
    with urllib.request.urlopen(f"{stack['localstack_url']}/_localstack/health", timeout=5) as resp:  # noqa: S310
        services = json.load(resp)["services"]
    for name in ("s3", "ses", "sqs", "secretsmanager", "ssm", "kms"):
        assert services.get(name) in ("available", "running"), (name, services.get(name))


def test_secrets_are_seeded_in_secrets_manager(stack: dict[str, Any]) -> None:
    client = localstack_aws("secretsmanager")
    for service in SERVICES:
        secret = json.loads(client.get_secret_value(SecretId=stack["services"][service]["db_secret_id"])
                            ["SecretString"])
        assert secret["username"] == service
        assert secret["dbname"] == service
        assert secret["password"] in stack["services"][service]["database_url"]
    names = {s["Name"] for s in client.list_secrets()["SecretList"]}
    assert "bank/local/auth/jwt-signing-keys" not in names  # signing happens in KMS; no key in a secret
    assert "bank/local/accounts/card-network-key" in names  # the card network's HMAC key (docs/cards.md)


def test_kms_keys_hold_the_material_of_the_secrets_file(stack: dict[str, Any]) -> None:
    """init_aws imported each key's material (AWS's import protocol), so the keys outlive a LocalStack restart."""
    import base64
    import hashlib
    import hmac

    from cryptography.hazmat.primitives import serialization

    kms = localstack_aws("kms")
    given = json.loads((LOCAL / "aws-secrets.json").read_text())["kms_keys"]
    ids = stack["kms_key_ids"]

    jwt_key = given[ids["JWT_SIGNING_KEY_ID"]]
    private = serialization.load_der_private_key(base64.b64decode(jwt_key["material"]), password=None)
    public = private.public_key().public_bytes(serialization.Encoding.DER,
                                               serialization.PublicFormat.SubjectPublicKeyInfo)
    assert kms.get_public_key(KeyId=jwt_key["key_id"])["PublicKey"] == public  # the alias may have rotated on

    card = given[ids["CARD_TOKEN_KEY_ID"]]
    assert kms.describe_key(KeyId=ids["CARD_TOKEN_KEY_ID"])["KeyMetadata"]["KeyId"] == card["key_id"]
    mac = kms.generate_mac(KeyId=ids["CARD_TOKEN_KEY_ID"], Message=b"2200990000000000", MacAlgorithm="HMAC_SHA_256")
    assert mac["Mac"] == hmac.new(base64.b64decode(card["material"]), b"2200990000000000", hashlib.sha256).digest()

    data = given[ids["DATA_KEY_ID"]]
    described = kms.describe_key(KeyId=ids["DATA_KEY_ID"])["KeyMetadata"]
    assert described["KeyId"] == data["key_id"] and described["KeySpec"] == "SYMMETRIC_DEFAULT"


def test_operations_pieces_answer(stack: dict[str, Any]) -> None:
    """The card-network stand-in, Redis Commander (read-only), the HEC stand-in (checks its token) and the Kafka
    Connect HEC sink."""
    import httpx

    assert httpx.get(f"{stack['card_network_url']}/health", timeout=5).json() == {"status": "ok"}
    page = httpx.get(stack["redis_commander_url"], timeout=5)
    assert page.status_code == 200 and "Redis Commander" in page.text
    hec = stack["hec"]["url"]
    assert httpx.get(f"{hec}/services/collector/health", timeout=5).json()["code"] == 17
    refused = httpx.post(f"{hec}/services/collector/event", content=b'{"event": "x"}', timeout=5,
                         headers={"Authorization": "Splunk not-the-token"})
    assert refused.status_code == 403
    status = httpx.get(f"{stack['kafka_connect_url']}/connectors/splunk-hec-sink/status", timeout=5).json()
    assert status["connector"]["state"] == "RUNNING"
    assert [task["state"] for task in status["tasks"]] == ["RUNNING"]


def test_redis_commander_is_read_only() -> None:
    pid = (LOCAL / "run" / "redis-commander.pid").read_text().split()[0]
    assert "--read-only" in Path(f"/proc/{pid}/cmdline").read_bytes().decode().split("\0")


def test_generated_secret_files_are_private() -> None:
    for name in ("secrets.json", "aws-secrets.json", "stack.json", "env.json"):
        assert (LOCAL / name).stat().st_mode & 0o077 == 0, name


def test_second_up_restarts_nothing() -> None:
    before = _pids()
    assert {"postgres", "redis", "kafka", "localstack"} <= set(before)
    result = _stackctl("up", "--quiet")
    assert result.returncode == 0, result.stdout + result.stderr
    assert _pids() == before
    assert "started (pid" not in result.stdout, result.stdout
