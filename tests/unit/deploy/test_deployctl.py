"""`make deploy` (localstack/deployctl.py) without an AWS account: it stops before anything when credentials are
missing, reads each stage from samconfig.toml, uploads the SPA with the right cache headers (moto S3), and
its smoke check names every problem of a deployed stage."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import boto3
import deployctl
import pytest
from moto import mock_aws

from local_gateway.static import IMMUTABLE, REVALIDATE, security_headers

REPO = Path(__file__).resolve().parents[3]


@pytest.fixture
def no_credentials(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE",
                 "AWS_DEFAULT_PROFILE", "AWS_WEB_IDENTITY_TOKEN_FILE", "AWS_ROLE_ARN",
                 "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "AWS_CONTAINER_CREDENTIALS_FULL_URI"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")


def test_without_credentials_it_stops_first_and_clearly(no_credentials: None, monkeypatch: pytest.MonkeyPatch,
                                                        capsys: pytest.CaptureFixture[str]) -> None:
    def nothing_may_run(*args: Any, **kwargs: Any) -> None:
        raise AssertionError(f"ran {args} although there are no credentials")

    monkeypatch.setattr(deployctl.subprocess, "run", nothing_may_run)
    assert deployctl.main(["--stage", "dev"]) == 1
    out, err = capsys.readouterr()
    assert "no AWS credentials: nothing was built or deployed" in err
    assert "[1/8] credentials" in out and "[2/8]" not in out


def test_make_deploy_without_credentials_exits_non_zero(no_credentials: None) -> None:
    """The same through the command a user types (as a subprocess, with the environment above)."""
    result = subprocess.run([sys.executable, str(REPO / "localstack" / "deployctl.py"), "--stage", "prod"],
                            capture_output=True, text=True, timeout=120, check=False)
    assert result.returncode == 1 and "no AWS credentials" in result.stderr, result.stdout + result.stderr


def test_unknown_stage_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    assert deployctl.main(["--stage", "local"]) == 1
    assert "STAGE must be one of dev, prod" in capsys.readouterr().err


@pytest.mark.parametrize("stage", deployctl.STAGES)
def test_stage_settings_come_from_samconfig(stage: str) -> None:
    settings = deployctl.stage_settings(stage)
    assert settings.stack_name == f"bank-{stage}" and settings.region
    assert settings.parameters["Stage"] == stage


def test_the_issuer_follows_the_public_origin() -> None:
    settings = deployctl.stage_settings("dev")
    settings.parameters.pop("DomainName", None)
    assert deployctl.public_origin(settings, {}) is None
    assert deployctl.public_origin(settings, {"DistributionDomainName": "d1.cloudfront.net"}) == \
        "https://d1.cloudfront.net"
    settings.parameters["DomainName"] = "bank.example"
    assert deployctl.public_origin(settings, {"DistributionDomainName": "d1.cloudfront.net"}) == "https://bank.example"
    assert deployctl.origin_parameters("https://bank.example") == {
        "JwtIssuer": "https://bank.example/api/auth", "SpaOrigin": "https://bank.example"}


def test_sam_overrides_quote_every_value() -> None:
    text = deployctl.sam_overrides({"VpcId": "", "FxTreasuryRates": '{"base":"RUB"}', "Stage": "dev"})
    assert text == 'VpcId="" FxTreasuryRates="{\\"base\\":\\"RUB\\"}" Stage="dev"'


def test_spa_upload_sets_cache_headers_and_removes_stale_pages(tmp_path: Path) -> None:
    out = tmp_path / "out"
    for rel in ("index.html", "lk/index.html", "lk/index.txt", "404.html", "_next/static/chunks/a1b2.js",
                "_next/static/css/c3.css"):
        (out / rel).parent.mkdir(parents=True, exist_ok=True)
        (out / rel).write_text(rel)
    with mock_aws():
        s3 = boto3.client("s3", region_name="eu-central-1")
        s3.create_bucket(Bucket="spa", CreateBucketConfiguration={"LocationConstraint": "eu-central-1"})
        s3.put_object(Bucket="spa", Key="old/index.html", Body=b"gone")
        s3.put_object(Bucket="spa", Key="_next/static/chunks/old.js", Body=b"still open somewhere")
        uploaded, deleted = deployctl.upload_spa(s3, "spa", out)
        assert (uploaded, deleted) == (6, 1)
        keys = {o["Key"] for o in s3.list_objects_v2(Bucket="spa")["Contents"]}
        assert "old/index.html" not in keys and "_next/static/chunks/old.js" in keys
        heads = {key: s3.head_object(Bucket="spa", Key=key) for key in keys - {"_next/static/chunks/old.js"}}
    assert heads["_next/static/chunks/a1b2.js"]["CacheControl"] == IMMUTABLE
    assert heads["_next/static/chunks/a1b2.js"]["ContentType"].startswith("application/javascript")
    assert heads["index.html"]["CacheControl"] == REVALIDATE
    assert heads["index.html"]["ContentType"] == "text/html; charset=utf-8"
    assert heads["lk/index.txt"]["CacheControl"] == REVALIDATE


def fake_origin(overrides: dict[str, tuple[int, dict[str, str], bytes]]) -> deployctl.Fetch:
    def fetch(url: str) -> tuple[int, dict[str, str], bytes]:
        path = url.removeprefix("https://bank.example")
        if path in overrides:
            return overrides[path]
        if path.endswith("/health"):
            return 200, {}, b'{"status":"ok"}'
        if path.endswith("jwks.json"):
            return 200, {}, json.dumps({"keys": [{"kid": "k1"}]}).encode()
        headers = {k.lower(): v for k, v in security_headers().items()}
        return 200, headers, b"<!DOCTYPE html><html></html>"
    return fetch


def test_smoke_passes_on_a_healthy_stage() -> None:
    assert deployctl.smoke("https://bank.example", fake_origin({})) == []


def test_smoke_names_each_problem() -> None:
    problems = deployctl.smoke("https://bank.example", fake_origin({
        "/api/ledger/health": (502, {}, b"bad gateway"),
        "/api/auth/.well-known/jwks.json": (200, {}, b'{"keys": []}'),
        "/": (200, {}, b"<html></html>"),
    }))
    assert any(p.startswith("/api/ledger/health: 502") for p in problems)
    assert any("jwks.json" in p for p in problems)
    assert any("Content-Security-Policy" in p for p in problems)
    assert len([p for p in problems if "/health" in p]) == 1
