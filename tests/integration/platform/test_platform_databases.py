"""Custom::ServiceDatabases against the real local PostgreSQL 15 and LocalStack's Secrets Manager: scratch
roles, databases and secrets, created, re-run, rotated, then dropped.

Locally pg_hba.conf already keeps a role out of other databases (`sameuser`); Aurora's does not, so the
isolation that matters there is the privileges this resource grants, and those are what is checked.
"""

from __future__ import annotations

import json
import secrets
import uuid
from collections.abc import Iterator
from typing import Any

import psycopg
import pytest
from psycopg import sql

from bank_shared import custom_resource
from platform_service import handler
from tests.support.custom_resources import Context, event, response_endpoint
from tests.support.stack import LOCAL, localstack_aws, stack

PROXY_HOST = "bank-test-db.proxy-x.eu-central-1.rds.amazonaws.com"
PG_LOG = LOCAL / "logs" / "postgres.log"


@pytest.fixture
def aws(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    monkeypatch.setenv("AWS_ENDPOINT_URL", stack()["localstack_url"])
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "test")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "test")
    monkeypatch.setenv("AWS_DEFAULT_REGION", stack()["aws_region"])
    custom_resource.aws_client.cache_clear()
    yield localstack_aws("secretsmanager")
    custom_resource.aws_client.cache_clear()


def admin() -> psycopg.Connection[Any]:
    pg = stack()["postgres"]
    return psycopg.connect(host=pg["host"], port=pg["port"], user=pg["admin_user"], password=pg["admin_password"],
                           dbname="postgres", autocommit=True)


@pytest.fixture
def scratch(aws: Any) -> Iterator[dict[str, Any]]:
    """Two scratch services with generated secrets, a master secret for the local admin, and cleanup."""
    tag = uuid.uuid4().hex[:8]
    names = [f"crtest_{tag}_a", f"crtest_{tag}_b"]
    pg = stack()["postgres"]
    created = {"master": aws.create_secret(Name=f"crtest/{tag}/master", SecretString=json.dumps(
        {"username": pg["admin_user"], "password": pg["admin_password"]}))["ARN"]}
    passwords = {}
    for name in names:
        passwords[name] = secrets.token_urlsafe(30)
        created[name] = aws.create_secret(Name=f"crtest/{tag}/db/{name}", SecretString=json.dumps(
            {"username": name, "password": passwords[name]}))["ARN"]
    with admin() as conn:
        conn.execute("ALTER ROLE CURRENT_USER SET log_statement = 'all'")  # prove what the server would log
    try:
        yield {"names": names, "arns": created, "passwords": passwords, "client": aws}
    finally:
        with admin() as conn:
            conn.execute("ALTER ROLE CURRENT_USER RESET log_statement")
            for name in names:
                conn.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s", (name,))
                conn.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(name)))
                conn.execute(sql.SQL("DROP ROLE IF EXISTS {}").format(sql.Identifier(name)))
        for arn in created.values():
            aws.delete_secret(SecretId=arn, ForceDeleteWithoutRecovery=True)


def run(scratch: dict[str, Any], request_type: str = "Create") -> dict[str, Any]:
    pg = stack()["postgres"]
    properties = {
        "MasterSecretArn": scratch["arns"]["master"], "AdminHost": pg["host"], "AdminPort": str(pg["port"]),
        "AdminSslMode": "prefer", "ProxyHost": PROXY_HOST, "ProxyPort": "5432",
        "Services": [{"Name": name, "SecretArn": scratch["arns"][name]} for name in scratch["names"]],
    }
    with response_endpoint() as answers:
        custom_resource.handle(
            event("Custom::ServiceDatabases", request_type, properties, url=answers.url,
                  physical_id=None if request_type == "Create" else f"{pg['host']}/service-databases"),
            Context(), handler.RESOURCES)
    return answers.only


def stored_verifier(name: str) -> str:
    with admin() as conn:
        row = conn.execute("SELECT rolpassword FROM pg_authid WHERE rolname = %s", (name,)).fetchone()
    assert row is not None
    return str(row[0])


def can_log_in(name: str, password: str) -> bool:
    pg = stack()["postgres"]
    try:
        with psycopg.connect(host=pg["host"], port=pg["port"], user=name, password=password, dbname=name,
                             connect_timeout=5) as conn:
            return conn.execute("SELECT current_user").fetchone() == (name,)
    except psycopg.OperationalError:
        return False


def test_each_service_gets_a_role_and_a_database_only_it_can_reach(scratch: dict[str, Any],
                                                                    capsys: pytest.CaptureFixture[str]) -> None:
    log_offset = PG_LOG.stat().st_size if PG_LOG.exists() else 0
    body = run(scratch)
    assert body["Status"] == "SUCCESS", body
    assert body["Data"]["Services"] == ",".join(scratch["names"])
    first, second = scratch["names"]
    with admin() as conn:
        for name in scratch["names"]:
            role = conn.execute("SELECT rolcanlogin, rolsuper, rolcreatedb, rolcreaterole FROM pg_roles "
                                "WHERE rolname = %s", (name,)).fetchone()
            assert role == (True, False, False, False)
            owner = conn.execute("SELECT pg_get_userbyid(datdba) FROM pg_database WHERE datname = %s",
                                 (name,)).fetchone()
            assert owner == (name,)
        privilege = "SELECT has_database_privilege(%s, %s, 'CONNECT')"
        assert conn.execute(privilege, (first, first)).fetchone() == (True,)
        assert conn.execute(privilege, (first, second)).fetchone() == (False,)
        assert conn.execute(privilege, (second, first)).fetchone() == (False,)
        assert conn.execute(privilege, (first, "postgres")).fetchone() == (False,)
        assert conn.execute(privilege, (first, "template1")).fetchone() == (False,)
    for name in scratch["names"]:
        assert can_log_in(name, scratch["passwords"][name])
        secret = json.loads(scratch["client"].get_secret_value(SecretId=scratch["arns"][name])["SecretString"])
        assert secret == {"username": name, "password": scratch["passwords"][name], "engine": "postgres",
                          "host": PROXY_HOST, "port": 5432, "dbname": name, "sslmode": "require"}
    # No password in the function's logs, and none in what PostgreSQL logged of its statements.
    output = capsys.readouterr().out
    server_log = PG_LOG.read_text(errors="replace")[log_offset:] if PG_LOG.exists() else ""
    assert "CREATE ROLE" in server_log, "log_statement=all should have logged the admin's statements"
    for password in scratch["passwords"].values():
        assert password not in output and password not in server_log


def test_running_again_changes_nothing_and_a_rotated_secret_is_followed(scratch: dict[str, Any]) -> None:
    assert run(scratch)["Status"] == "SUCCESS"
    first = scratch["names"][0]
    verifier = stored_verifier(first)
    versions = len(scratch["client"].list_secret_version_ids(SecretId=scratch["arns"][first])["Versions"])
    assert run(scratch, "Update")["Status"] == "SUCCESS"
    assert stored_verifier(first) == verifier  # the working password was not set again
    assert len(scratch["client"].list_secret_version_ids(SecretId=scratch["arns"][first])["Versions"]) == versions

    rotated = secrets.token_urlsafe(30)
    current = json.loads(scratch["client"].get_secret_value(SecretId=scratch["arns"][first])["SecretString"])
    scratch["client"].put_secret_value(SecretId=scratch["arns"][first],
                                       SecretString=json.dumps({**current, "password": rotated}))
    assert run(scratch, "Update")["Status"] == "SUCCESS"
    assert can_log_in(first, rotated)
    assert not can_log_in(first, scratch["passwords"][first])


def test_a_secret_for_another_user_fails_the_deploy_and_creates_nothing(scratch: dict[str, Any]) -> None:
    first, second = scratch["names"]
    scratch["client"].put_secret_value(SecretId=scratch["arns"][second], SecretString=json.dumps(
        {"username": first, "password": scratch["passwords"][second]}))
    body = run(scratch)
    assert body["Status"] == "FAILED" and f"not '{second}'" in body["Reason"]
    with admin() as conn:
        assert conn.execute("SELECT count(*) FROM pg_roles WHERE rolname = ANY(%s)",
                            (scratch["names"],)).fetchone() == (0,)
