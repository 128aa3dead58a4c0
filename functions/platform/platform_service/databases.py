"""Custom::ServiceDatabases: one database and one login role per service on the Aurora cluster.

As the local stack provisions them (`localstack/stackctl_pg.py`): each service gets a login role without
any special attribute and a database it owns; CONNECT and TEMPORARY on that database are revoked from
PUBLIC and granted to the role alone, so a role reaches only its own database.

Credentials: the template generates each service's secret (`bank/<stage>/db/<service>`: username and a
random password); this resource sets that password on the role and completes the secret with what the
functions connect to (host = the RDS Proxy endpoint, port, dbname, engine, `sslmode: require`). It rotates
nothing: a role whose password already works is left alone, and the secret is rewritten only when a field
differs. The password reaches PostgreSQL only as a SCRAM-SHA-256 verifier computed here, so no statement
log can show it; every reason and log line masks it.

Idempotent: create and update run the same convergence, safe to repeat. Delete removes nothing (the data
stays with the cluster, whose own deletion policy decides).

Properties: MasterSecretArn (RDS-managed master secret), AdminHost, AdminPort (the cluster's writer
endpoint), ProxyHost, ProxyPort, Services (list of {Name, SecretArn}); optional AdminSslMode (default
require; "prefer" for the local integration test). Attributes: Services (comma-separated names).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import re
import secrets
from dataclasses import dataclass
from typing import Any

import psycopg
from psycopg import sql

from bank_shared.custom_resource import (
    ConvergingResource,
    CustomResourceError,
    Outcome,
    Request,
    aws_client,
    read_secret,
)
from bank_shared.observability import logger

RESOURCE_TYPE = "Custom::ServiceDatabases"
SCRAM_ITERATIONS = 4096  # PostgreSQL's own default (scram_iterations)
_NAME = re.compile(r"^[a-z][a-z0-9_]{0,62}$")
_CONNECT_TIMEOUT_SECONDS = 10


@dataclass(frozen=True)
class Endpoint:
    host: str
    port: int
    sslmode: str


@dataclass(frozen=True)
class ServiceCredentials:
    name: str
    secret_arn: str
    password: str


class ServiceDatabases(ConvergingResource):
    def physical_id(self, request: Request) -> str:
        return _physical_id(str(request.properties.get("AdminHost")))

    def converge(self, request: Request) -> Outcome:
        admin = Endpoint(str(request.prop("AdminHost")), int(request.prop("AdminPort")),
                         str(request.properties.get("AdminSslMode") or "require"))
        proxy = Endpoint(str(request.prop("ProxyHost")), int(request.prop("ProxyPort")), "require")
        master = read_secret(request, str(request.prop("MasterSecretArn")))
        services = [_service_credentials(request, entry) for entry in _service_entries(request)]
        report: dict[str, list[str]] = {}
        with _connect(admin, str(master["username"]), str(master["password"]), "postgres") as conn:
            lock_down_maintenance_databases(conn)
            for service in services:
                report[service.name] = ensure_service_database(conn, service.name, service.password)
                if converge_password(conn, admin, service.name, service.password):
                    report[service.name].append("password set from its secret")
        for service in services:
            if not login_works(admin, service.name, service.password):
                raise CustomResourceError(f"role {service.name} still cannot log in to its database")
            if complete_secret(service, proxy):
                report[service.name].append("secret completed")
        logger.info("service databases converged", extra={"report": report})
        return Outcome(_physical_id(admin.host), {"Services": ",".join(service.name for service in services)})


def _physical_id(admin_host: str) -> str:
    return f"{admin_host}/service-databases"


def _service_entries(request: Request) -> list[dict[str, Any]]:
    entries = request.prop("Services")
    if not isinstance(entries, list) or not all(isinstance(entry, dict) for entry in entries):
        raise CustomResourceError("Services must be a list of {Name, SecretArn}")
    names = [str(entry.get("Name")) for entry in entries]
    if len(set(names)) != len(names):
        raise CustomResourceError("Services names a service twice")
    return entries


def _service_credentials(request: Request, entry: dict[str, Any]) -> ServiceCredentials:
    name, secret_arn = str(entry.get("Name") or ""), str(entry.get("SecretArn") or "")
    if not _NAME.match(name):
        raise CustomResourceError(f"service name {name!r} is not a plain lower-case identifier")
    if not secret_arn:
        raise CustomResourceError(f"service {name} has no SecretArn")
    secret = read_secret(request, secret_arn)
    if secret.get("username") != name:
        raise CustomResourceError(f"secret of {name} names user {secret.get('username')!r}, not {name!r}")
    password = str(secret.get("password") or "")
    if len(password) < 16:
        raise CustomResourceError(f"secret of {name} has no generated password")
    return ServiceCredentials(name, secret_arn, password)


def _connect(endpoint: Endpoint, user: str, password: str, dbname: str) -> psycopg.Connection[Any]:
    # Keyword arguments, not a URL: the password never becomes part of a string that could be logged.
    return psycopg.connect(host=endpoint.host, port=endpoint.port, user=user, password=password, dbname=dbname,
                           sslmode=endpoint.sslmode, connect_timeout=_CONNECT_TIMEOUT_SECONDS, autocommit=True,
                           application_name="bank-platform")


def scram_sha256_verifier(password: str, salt: bytes | None = None, iterations: int = SCRAM_ITERATIONS) -> str:
    """The verifier PostgreSQL stores for a SCRAM-SHA-256 password (RFC 5802/7677; what psql's \\password
    sends), so the plain password never travels in a statement."""
    salt = salt or secrets.token_bytes(16)
    salted = hashlib.pbkdf2_hmac("sha256", password.encode(), salt, iterations)
    client_key = hmac.new(salted, b"Client Key", hashlib.sha256).digest()
    stored_key = hashlib.sha256(client_key).digest()
    server_key = hmac.new(salted, b"Server Key", hashlib.sha256).digest()

    def b64(raw: bytes) -> str:
        return base64.b64encode(raw).decode()

    return f"SCRAM-SHA-256${iterations}:{b64(salt)}${b64(stored_key)}:{b64(server_key)}"


def lock_down_maintenance_databases(conn: psycopg.Connection[Any]) -> None:
    """Service roles never need the maintenance databases. Revoking what the admin does not own is a
    warning in PostgreSQL, not an error, so this is safe on Aurora (where rdsadmin owns template1)."""
    conn.execute("REVOKE CONNECT, TEMPORARY ON DATABASE postgres FROM PUBLIC")
    conn.execute("REVOKE CONNECT ON DATABASE template1 FROM PUBLIC")


def ensure_service_database(conn: psycopg.Connection[Any], name: str, password: str) -> list[str]:
    """Converge one service's role and database; returns what changed (empty when nothing did)."""
    if not _NAME.match(name):
        raise CustomResourceError(f"service name {name!r} is not a plain lower-case identifier")
    role = sql.Identifier(name)
    changed: list[str] = []
    if conn.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (name,)).fetchone() is None:
        conn.execute(sql.SQL("CREATE ROLE {} LOGIN PASSWORD {}").format(
            role, sql.Literal(scram_sha256_verifier(password))))
        changed.append("role created")
    # No special attribute, whatever someone granted by hand.
    conn.execute(sql.SQL("ALTER ROLE {} WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION").format(role))
    # On Aurora the admin is not a superuser: it may create a database owned by a role it is a member of.
    conn.execute(sql.SQL("GRANT {} TO CURRENT_USER").format(role))
    if conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone() is None:
        conn.execute(sql.SQL("CREATE DATABASE {} OWNER {} ENCODING 'UTF8' TEMPLATE template0").format(role, role))
        changed.append("database created")
    else:
        conn.execute(sql.SQL("ALTER DATABASE {} OWNER TO {}").format(role, role))
    conn.execute(sql.SQL("REVOKE CONNECT, TEMPORARY ON DATABASE {} FROM PUBLIC").format(role))
    conn.execute(sql.SQL("GRANT CONNECT, TEMPORARY ON DATABASE {} TO {}").format(role, role))
    return changed


def set_password(conn: psycopg.Connection[Any], name: str, password: str) -> None:
    conn.execute(sql.SQL("ALTER ROLE {} WITH LOGIN PASSWORD {}").format(
        sql.Identifier(name), sql.Literal(scram_sha256_verifier(password))))


def login_works(endpoint: Endpoint, name: str, password: str) -> bool:
    try:
        with _connect(endpoint, name, password, name) as conn:
            conn.execute("SELECT 1")
    except psycopg.OperationalError:
        return False
    return True


def converge_password(admin_conn: psycopg.Connection[Any], endpoint: Endpoint, name: str, password: str) -> bool:
    """Set the role's password from its secret only when the secret's password does not already log in."""
    if login_works(endpoint, name, password):
        return False
    set_password(admin_conn, name, password)
    return True


def complete_secret(service: ServiceCredentials, proxy: Endpoint) -> bool:
    """Write host/port/dbname/engine/sslmode into the service's secret if any differs; True when written."""
    secrets_manager = aws_client("secretsmanager")
    current = json.loads(secrets_manager.get_secret_value(SecretId=service.secret_arn)["SecretString"])
    desired = {**current, "engine": "postgres", "host": proxy.host, "port": proxy.port, "dbname": service.name,
               "username": service.name, "sslmode": proxy.sslmode}
    if desired == current:
        return False
    secrets_manager.put_secret_value(SecretId=service.secret_arn, SecretString=json.dumps(desired))
    return True

