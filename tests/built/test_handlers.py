"""Every function's built handler, imported and invoked as Lambda would: only its artifact and the layer.

For each function: the isolated interpreter sees nothing of the project venv; the cold start imports the
handler; the health route answers 200 against the running stack (PostgreSQL, Redis, Kafka); and one real route
does real work (a database read, a registration hashed with argon2, rates through Redis and the Frankfurter
stand-in, service-to-service calls through the gateway, an MSK batch consumed into the inbox).
"""

from __future__ import annotations

import base64
import gzip
import json
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from stackctl_common import REPO

from bank_shared.events.topics import ALL_TOPICS, LOGS_APP
from local_gateway.template import load_model
from tests.built.conftest import Artifacts
from tests.built.isolated import http_event, http_response, msk_event, probe
from tests.support.custom_resources import event as cfn_event
from tests.support.custom_resources import response_endpoint
from tests.support.stack import stack

_MODEL = load_model(REPO / "template.yaml", repo_root=REPO)
FUNCTIONS = sorted(_MODEL.functions)
# The service functions behind the HTTP API; the others answer CloudFormation custom resources at deploy.
HTTP_FUNCTIONS = sorted({route.function_id for route in _MODEL.routes})
DEV_ONLY = ("pytest", "moto", "mypy", "ruff", "hypothesis")  # in the project venv, never in an artifact


def service_of(logical_id: str) -> str:
    return logical_id.removesuffix("Function").lower()


def claims(*roles: str, subject: str | None = None) -> dict[str, Any]:
    """Claims as the HTTP API JWT authorizer hands them to the function (lists become "[a b]")."""
    return {"sub": subject or str(uuid.uuid4()), "roles": f"[{' '.join(roles)}]", "token_use": "access"}


def ready(artifacts: Artifacts, logical_id: str) -> Any:
    worker = artifacts.function(logical_id)
    if not worker.init.get("ready"):
        pytest.fail(f"{logical_id} fails at cold start from its build directory: "
                    f"{worker.init.get('errorType')}: {worker.init.get('errorMessage')}\n{worker.log_tail()}",
                    pytrace=False)
    return worker


def call(artifacts: Artifacts, logical_id: str, method: str, path: str, **kwargs: Any) -> tuple[int, Any]:
    worker = ready(artifacts, logical_id)
    reply = worker.invoke(http_event(artifacts.model, method, path, **kwargs))
    if not reply.ok:
        pytest.fail(f"{logical_id} raised on {method} {path}: {reply.error}\n{worker.log_tail()}", pytrace=False)
    return http_response(reply)


@pytest.mark.parametrize("logical_id", FUNCTIONS)
def test_the_isolated_interpreter_sees_only_the_artifact_and_the_layer(artifacts: Artifacts,
                                                                       logical_id: str) -> None:
    spec = artifacts.spec(logical_id)
    seen = probe(artifacts.python, spec, "fastapi", "bank_shared", *DEV_ONLY)
    assert seen["flags"] == [1, 1], "the worker must run with -I -S"
    assert not set(DEV_ONLY) & set(seen["found"]), f"dev-only packages importable: {seen['found']}"
    assert Path(seen["found"]["fastapi"]).is_relative_to(artifacts.build.layer_dir)
    assert Path(seen["found"]["bank_shared"]).is_relative_to(artifacts.build.layer_dir)
    stdlib = Path(artifacts.python).resolve().parent.parent / "lib"
    foreign = [entry for entry in seen["path"]
               if not Path(entry).is_relative_to(stdlib) and Path(entry) not in (spec.code_dir, *spec.layer_dirs)]
    assert foreign == [], f"sys.path holds more than the stdlib, the artifact and the layer: {foreign}"
    assert not any("site-packages" in entry for entry in seen["path"])


@pytest.mark.parametrize("logical_id", FUNCTIONS)
def test_the_handler_imports_from_its_build_directory(artifacts: Artifacts, logical_id: str) -> None:
    ready(artifacts, logical_id)


@pytest.mark.parametrize("logical_id", HTTP_FUNCTIONS)
def test_the_health_route_answers_from_the_artifact(artifacts: Artifacts, logical_id: str) -> None:
    service = service_of(logical_id)
    status, body = call(artifacts, logical_id, "GET", f"/api/{service}/health")
    assert status == 200, body
    assert body["service"] == service
    assert {name: check["status"] for name, check in body["checks"].items()} == dict.fromkeys(body["checks"], "ok")


# --------------------------------------------------------------------------- one real route per function


def register(artifacts: Artifacts) -> None:
    """argon2 (a compiled binding of the function's own), email-validator, the database and the outbox."""
    email = f"built-{uuid.uuid4().hex[:12]}@example.com"
    status, body = call(artifacts, "AuthFunction", "POST", "/api/auth/register",
                        body={"email": email, "password": "Correct-horse-42", "full_name": "Built Artifact"})
    assert status == 202, body
    assert body["status"] == "accepted"


def products(artifacts: Artifacts) -> None:
    status, body = call(artifacts, "AccountsFunction", "GET", "/api/accounts/products", claims=claims("customer"))
    assert status == 200, body
    assert body["items"], "the product catalogue comes from the accounts database"


def contract_templates(artifacts: Artifacts) -> None:
    status, body = call(artifacts, "ContractsFunction", "GET", "/api/contracts/templates",
                        claims=claims("customer"))
    assert status == 200, body
    assert isinstance(body["items"], list)


def dashboard(artifacts: Artifacts) -> None:
    """Calls auth, accounts, ledger and notifications by direct invoke (the stack's Lambda Invoke API)."""
    status, body = call(artifacts, "CustomerFunction", "GET", "/api/customer/dashboard", claims=claims("customer"))
    assert status == 200, body
    assert body["accounts"] == []


def latest_rates(artifacts: Artifacts) -> None:
    status, body = call(artifacts, "FxFunction", "GET", "/api/fx/rates/latest", query="base=EUR&symbols=USD",
                        claims=claims("customer"))
    assert status == 200, body
    assert "USD" in body["rates"]


def ledger_history(artifacts: Artifacts) -> None:
    status, body = call(artifacts, "LedgerFunction", "GET", "/api/ledger/transactions", claims=claims("customer"))
    assert status == 200, body
    assert body["items"] == []


def inbox_from_an_msk_batch(artifacts: Artifacts) -> None:
    """An MSK-shaped batch (fx.exchanged) is consumed into the inbox, which the owner then reads."""
    owner, now = str(uuid.uuid4()), datetime.now(UTC).isoformat()  # recent: old events are filed as read
    event = {"specversion": "1.0", "id": str(uuid.uuid4()), "source": "urn:bank:fx", "type": "fx.exchanged",
             "subject": owner, "time": now, "datacontenttype": "application/json",
             "data": {"owner_id": owner, "quote_id": str(uuid.uuid4()), "transaction_id": str(uuid.uuid4()),
                      "sell_amount": "100.00", "sell_currency": "EUR", "buy_amount": "108.50",
                      "buy_currency": "USD", "rate": "1.085", "executed_at": now}}
    worker = ready(artifacts, "NotificationsFunction")
    reply = worker.invoke(msk_event(artifacts.model, "NotificationsFunction", "fx.exchanged", event))
    assert reply.ok, f"{reply.error}\n{worker.log_tail()}"
    assert reply.result["applied"] == 1, reply.result
    status, body = call(artifacts, "NotificationsFunction", "GET", "/api/notifications/inbox/unread-count",
                        claims=claims("customer", subject=owner))
    assert status == 200, body
    assert body["unread"] == 1


def office_audit(artifacts: Artifacts) -> None:
    status, body = call(artifacts, "OfficeFunction", "GET", "/api/office/audit",
                        query=f"actor_id={uuid.uuid4()}", claims=claims("admin"))
    assert status == 200, body
    assert body["items"] == []


def utility_providers(artifacts: Artifacts) -> None:
    status, body = call(artifacts, "UtilitiesFunction", "GET", "/api/utilities/providers",
                        claims=claims("customer"))
    assert status == 200, body
    assert body["items"], "providers come from the utilities database"


def answers(artifacts: Artifacts, logical_id: str, resource_type: str, request_type: str,
            properties: dict[str, Any]) -> dict[str, Any]:
    """A CloudFormation custom-resource request, answered through the pre-signed-URL protocol."""
    worker = ready(artifacts, logical_id)
    with response_endpoint() as endpoint:
        reply = worker.invoke(cfn_event(resource_type, request_type, properties, url=endpoint.url,
                                        physical_id=None if request_type == "Create" else "existing"))
        assert reply.ok, f"{reply.error}\n{worker.log_tail()}"
        return endpoint.only


def kafka_topics(artifacts: Artifacts) -> None:
    """The platform function creates every topic on the local broker (scratch names) with the layer's
    confluent-kafka, then they are deleted."""
    from confluent_kafka.admin import AdminClient

    prefix = f"built-{uuid.uuid4().hex[:8]}."
    bootstrap = stack()["kafka_bootstrap"]
    try:
        body = answers(artifacts, "PlatformFunction", "Custom::KafkaTopics", "Create",
                       {"BootstrapServers": bootstrap, "Security": "plaintext", "Prefix": prefix, "Partitions": "1"})
        assert body["Status"] == "SUCCESS", body
    finally:
        admin = AdminClient({"bootstrap.servers": bootstrap})
        names = [name for name in admin.list_topics(timeout=10).topics if name.startswith(prefix)]
        for future in admin.delete_topics(names, request_timeout=30).values() if names else ():
            future.result(timeout=30)
    assert len(body["Data"]["Topics"].split(",")) == len(ALL_TOPICS)


def migrations_answer(logical_id: str) -> Callable[[Artifacts], None]:
    """The migration handler (from the layer) starts from the service's artifact and answers the protocol;
    a Delete touches no database."""
    service = logical_id.removesuffix("MigrationsFunction").lower()

    def check(artifacts: Artifacts) -> None:
        body = answers(artifacts, logical_id, "Custom::Migrations", "Delete", {"Service": service})
        assert body["Status"] == "SUCCESS", body

    return check


def log_lines_to_kafka(artifacts: Artifacts) -> None:
    """A CloudWatch Logs subscription batch (gzip + base64) is decoded and its record lands on logs.app."""
    from confluent_kafka import Consumer, TopicPartition

    request_id = f"built-{uuid.uuid4()}"
    line = json.dumps({"level": "INFO", "message": "built tier", "service": "ledger", "request_id": request_id})
    group = "/aws/lambda/bank-dev-ledger"
    payload = {"messageType": "DATA_MESSAGE", "logGroup": group, "logStream": "s", "owner": "0",
               "subscriptionFilters": ["f"], "logEvents": [{"id": "1", "timestamp": 0, "message": line}]}
    event = {"awslogs": {"data": base64.b64encode(gzip.compress(json.dumps(payload).encode())).decode()}}
    consumer = Consumer({"bootstrap.servers": stack()["kafka_bootstrap"], "group.id": f"built-{uuid.uuid4()}",
                         "enable.auto.commit": False})
    try:
        partitions = consumer.list_topics(LOGS_APP, timeout=10).topics[LOGS_APP].partitions
        starts = [TopicPartition(LOGS_APP, p, consumer.get_watermark_offsets(TopicPartition(LOGS_APP, p),
                                                                              timeout=10)[1]) for p in partitions]
        worker = ready(artifacts, "LogForwarderFunction")
        reply = worker.invoke(event)
        assert reply.ok, f"{reply.error}\n{worker.log_tail()}"
        assert reply.result == {"log_group": group, "forwarded": 1}
        consumer.assign(starts)
        for _ in range(100):  # bounded: the record was acknowledged before the handler answered
            message = consumer.poll(0.2)
            if message is not None and not message.error() and request_id.encode() in (message.value() or b""):
                return
        pytest.fail(f"no logs.app record for {request_id}")
    finally:
        consumer.close()


REAL_ROUTES: dict[str, Callable[[Artifacts], None]] = {
    "LogForwarderFunction": log_lines_to_kafka,
    "PlatformFunction": kafka_topics,
    **{f"{name}MigrationsFunction": migrations_answer(f"{name}MigrationsFunction")
       for name in ("Auth", "Customer", "Office", "Accounts", "Ledger", "Fx", "Utilities", "Contracts",
                    "Notifications")},
    "AuthFunction": register,
    "AccountsFunction": products,
    "ContractsFunction": contract_templates,
    "CustomerFunction": dashboard,
    "FxFunction": latest_rates,
    "LedgerFunction": ledger_history,
    "NotificationsFunction": inbox_from_an_msk_batch,
    "OfficeFunction": office_audit,
    "UtilitiesFunction": utility_providers,
}


def test_every_function_has_a_real_route_here() -> None:
    assert sorted(REAL_ROUTES) == FUNCTIONS, "a new function needs a real route in REAL_ROUTES"


@pytest.mark.parametrize("logical_id", FUNCTIONS)
def test_a_real_route_works_from_the_artifact(artifacts: Artifacts, logical_id: str) -> None:
    REAL_ROUTES[logical_id](artifacts)
