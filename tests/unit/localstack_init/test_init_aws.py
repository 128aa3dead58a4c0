"""localstack/init/init_aws.py against moto: every resource is created, reruns change nothing."""

from __future__ import annotations

import importlib.util
import json
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from moto import mock_aws

from tests.support.services import SERVICES

SCRIPT = Path(__file__).resolve().parents[3] / "localstack" / "init" / "init_aws.py"
REGION = "eu-central-1"


def load_script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("bank_init_aws", SCRIPT)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    # No __pycache__ in localstack/init/: LocalStack mounts that folder as ready.d.
    previous, sys.dont_write_bytecode = sys.dont_write_bytecode, True
    try:
        spec.loader.exec_module(module)
    finally:
        sys.dont_write_bytecode = previous
    return module


init_aws = load_script()


@pytest.fixture
def aws(monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, Any]]:
    for name in (
        "AWS_ENDPOINT_URL",
        "BANK_SECRETS_FILE",
        "FRANKFURTER_URL",
        "AWS_PROFILE",
    ):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "test")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "test")
    monkeypatch.setenv("AWS_DEFAULT_REGION", REGION)
    with mock_aws():
        yield init_aws.make_clients(None, REGION)


@pytest.fixture
def secrets_file(tmp_path: Path) -> Path:
    path = tmp_path / "secrets.json"
    write_secrets(
        path,
        {
            "bank/local/auth/one-time-link-key": {"key": "k1"},
            "bank/local/ledger/db": {"username": "ledger", "password": "s3cret"},
            "bank/local/notifications/smtp-token": "plain-string",
        },
    )
    return path


def write_secrets(path: Path, entries: dict[str, Any]) -> None:
    path.write_text(json.dumps({"secrets": entries}), encoding="utf-8")


def state(clients: dict[str, Any]) -> dict[str, Any]:
    """Everything the script manages, including versions, so needless writes show."""
    s3, sqs, ssm, sm = (
        clients["s3"],
        clients["sqs"],
        clients["ssm"],
        clients["secretsmanager"],
    )
    bucket = init_aws.STATEMENTS_BUCKET
    params = ssm.get_parameters_by_path(Path="/bank/local", Recursive=True)["Parameters"]
    secret_list = sm.list_secrets()["SecretList"]
    return {
        "buckets": sorted(b["Name"] for b in s3.list_buckets()["Buckets"]),
        "website": s3.get_bucket_website(Bucket=init_aws.SPA_BUCKET)["IndexDocument"],
        "error_doc": s3.get_bucket_website(Bucket=init_aws.SPA_BUCKET)["ErrorDocument"],
        "versioning": s3.get_bucket_versioning(Bucket=bucket).get("Status"),
        "public_block": s3.get_public_access_block(Bucket=bucket)["PublicAccessBlockConfiguration"],
        "identities": sorted(clients["ses"].list_identities()["Identities"]),
        "queues": sorted(url.rsplit("/", 1)[-1] for url in sqs.list_queues()["QueueUrls"]),
        "params": {p["Name"]: (p["Value"], p["Version"]) for p in params},
        "secrets": {s["Name"]: secret_state(sm, s["Name"]) for s in secret_list},
        "kms": kms_state(clients["kms"]),
        "kms_targets": {a["AliasName"]: a.get("TargetKeyId") for a in clients["kms"].list_aliases()["Aliases"]
                        if a["AliasName"].startswith("alias/bank-local-")},
    }


def kms_state(kms: Any) -> dict[str, tuple[str, str]]:
    found = {}
    for alias in kms.list_aliases()["Aliases"]:
        if alias["AliasName"].startswith("alias/bank-local-"):
            meta = kms.describe_key(KeyId=alias["AliasName"])["KeyMetadata"]
            found[alias["AliasName"]] = (meta["KeySpec"], meta["KeyUsage"])
    return found


def secret_state(sm: Any, name: str) -> tuple[str, list[str]]:
    versions = sm.list_secret_version_ids(SecretId=name)["Versions"]
    value = sm.get_secret_value(SecretId=name)["SecretString"]
    return value, sorted(v["VersionId"] for v in versions)


def run(clients: dict[str, Any], env: dict[str, str]) -> None:
    init_aws.run(clients, {"BANK_SERVICES": ",".join(SERVICES), **env}, REGION)


def test_creates_every_resource(aws: dict[str, Any], secrets_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    run(aws, {"BANK_SECRETS_FILE": str(secrets_file)})
    got = state(aws)
    assert got["buckets"] == ["bank-local-spa", "bank-local-statements"]
    assert got["website"] == {"Suffix": "index.html"}
    assert got["error_doc"] == {"Key": "404.html"}
    assert got["versioning"] == "Enabled"
    assert all(got["public_block"].values())
    assert got["identities"] == ["bank.local", "no-reply@bank.local"]
    expected_queues = [f"bank-local-{s}-dlq" for s in SERVICES] + ["bank-local-events-dlq"]
    assert got["queues"] == sorted(expected_queues)
    params = {name: value for name, (value, _) in got["params"].items()}
    assert params["/bank/local/fx/spread_bps"] == "50"
    assert params["/bank/local/fx/frankfurter_url"] == "http://127.0.0.1:8089"
    assert params["/bank/local/ratelimit/default_per_minute"] == "600"
    assert params["/bank/local/ratelimit/login_per_minute"] == "10"
    treasury = json.loads(params["/bank/local/fx/treasury_rates"])
    assert treasury["base"] == "RUB" and set(treasury["rates"]) >= {"USD", "EUR", "CNY"}
    secrets = {name: value for name, (value, _) in got["secrets"].items()}
    assert json.loads(secrets["bank/local/ledger/db"]) == {
        "username": "ledger",
        "password": "s3cret",
    }
    assert secrets["bank/local/notifications/smtp-token"] == "plain-string"
    assert json.loads(secrets["bank/local/auth/one-time-link-key"])["key"] == "k1"
    assert got["kms"] == {
        "alias/bank-local-jwt-signing": ("RSA_2048", "SIGN_VERIFY"),
        "alias/bank-local-card-token": ("HMAC_256", "GENERATE_VERIFY_MAC"),
        "alias/bank-local-data": ("SYMMETRIC_DEFAULT", "ENCRYPT_DECRYPT"),
    }
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) >= 2 + 2 + 10 + 4 + 3
    assert all(line.startswith("init_aws: ") for line in lines)


def test_second_run_changes_nothing(
    aws: dict[str, Any], secrets_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    env = {"BANK_SECRETS_FILE": str(secrets_file)}
    run(aws, env)
    first = state(aws)
    capsys.readouterr()
    run(aws, env)
    assert state(aws) == first
    out = capsys.readouterr().out
    assert "created" not in out
    assert "updated" not in out


def test_changed_secret_and_parameter_are_updated(aws: dict[str, Any], secrets_file: Path) -> None:
    run(aws, {"BANK_SECRETS_FILE": str(secrets_file)})
    before = state(aws)
    write_secrets(secrets_file, {"bank/local/notifications/smtp-token": "rotated"})
    env = {
        "BANK_SECRETS_FILE": str(secrets_file),
        "FRANKFURTER_URL": "http://fx.test:9",
    }
    run(aws, env)
    after = state(aws)
    assert after["secrets"]["bank/local/notifications/smtp-token"][0] == "rotated"
    assert len(after["secrets"]["bank/local/notifications/smtp-token"][1]) == 2
    assert after["secrets"]["bank/local/ledger/db"] == before["secrets"]["bank/local/ledger/db"]
    assert after["params"]["/bank/local/fx/frankfurter_url"] == ("http://fx.test:9", 2)
    assert after["params"]["/bank/local/fx/spread_bps"] == ("50", 1)


@pytest.mark.parametrize("secrets_env", [None, "/nonexistent/secrets.json"])
def test_without_secrets_file_only_the_kms_keys_are_made(aws: dict[str, Any], secrets_env: str | None) -> None:
    env = {} if secrets_env is None else {"BANK_SECRETS_FILE": secrets_env}
    run(aws, env)
    first = state(aws)
    assert first["secrets"] == {}
    assert set(first["kms"]) == set(init_aws.KMS_KEYS)
    run(aws, env)
    assert state(aws) == first


def test_a_rotated_signing_alias_is_kept(aws: dict[str, Any], capsys: pytest.CaptureFixture[str]) -> None:
    run(aws, {})
    kms = aws["kms"]
    rotated = kms.create_key(KeySpec="RSA_2048", KeyUsage="SIGN_VERIFY")["KeyMetadata"]["KeyId"]
    kms.update_alias(AliasName="alias/bank-local-jwt-signing", TargetKeyId=rotated)
    capsys.readouterr()
    run(aws, {})
    assert state(aws)["kms_targets"]["alias/bank-local-jwt-signing"] == rotated
    assert "kms key alias/bank-local-jwt-signing: exists" in capsys.readouterr().out


def test_localstack_ready_d_exec_runs_main(
    aws: dict[str, Any], monkeypatch: pytest.MonkeyPatch, secrets_file: Path
) -> None:
    """LocalStack runs ready.d .py scripts as ``exec(source, {})``: main() must run."""
    monkeypatch.setenv("AWS_ENDPOINT_URL", "")
    monkeypatch.setenv("BANK_SECRETS_FILE", str(secrets_file))
    exec(SCRIPT.read_bytes(), {})  # noqa: S102 - what LocalStack does
    assert sorted(state(aws)["buckets"]) == ["bank-local-spa", "bank-local-statements"]


def test_endpoint_and_region_defaults(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)
    clients = init_aws.make_clients(init_aws.DEFAULT_ENDPOINT, init_aws.DEFAULT_REGION)
    assert clients["s3"].meta.endpoint_url == "http://127.0.0.1:4566"
    assert clients["sqs"].meta.region_name == "eu-central-1"


def test_treasury_rates_are_a_table_the_fx_service_accepts(aws: dict[str, Any]) -> None:
    """The parameter's value parses with fx's own reader: RUB per unit as decimal strings, plausible values."""
    from decimal import Decimal

    from fx_service.treasury import parse_table

    run(aws, {})
    value = aws["ssm"].get_parameter(Name="/bank/local/fx/treasury_rates")["Parameter"]["Value"]
    table = parse_table(value, "ssm")
    assert table.home == "RUB"
    assert all(isinstance(rate, str) for rate in json.loads(value)["rates"].values())
    assert Decimal(50) < table.rates["USD"] < Decimal(150)
    assert table.rates["EUR"] > table.rates["USD"] > table.rates["CNY"]
