"""contracts' account.opened consumer against the stack's contracts database and S3 bucket: one account
agreement per account, concluded from the template version in effect and in force, whatever is redelivered."""

from __future__ import annotations

import base64
import uuid
from collections.abc import Iterator
from uuid import UUID

import pytest

from bank_shared.auth import Principal
from bank_shared.aws import reset_clients
from bank_shared.db import Connection, UnitOfWork, connect
from bank_shared.events import consumer
from bank_shared.events.consumer import handle_kafka_batch
from bank_shared.events.envelope import CloudEvent, new_event
from contracts_service import clients, service
from contracts_service.api import EVENT_HANDLERS
from tests.support.stack import database_url, stack


class Names:
    def full_name(self, user_id: UUID) -> str | None:
        return "Пётр Договорный"


@pytest.fixture
def connection(monkeypatch: pytest.MonkeyPatch) -> Iterator[Connection]:
    # The agreement's document goes to the stack's statements bucket in LocalStack.
    monkeypatch.setenv("AWS_ENDPOINT_URL", stack()["localstack_url"])
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "test")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "test")
    monkeypatch.setenv("AWS_DEFAULT_REGION", stack()["aws_region"])
    reset_clients()
    conn = connect(database_url("contracts"))
    monkeypatch.setattr(consumer, "UnitOfWork", lambda: UnitOfWork(conn))
    clients.set_customer_names(Names())
    try:
        yield conn
    finally:
        clients.set_customer_names(None)
        conn.close()
        reset_clients()


def batch(*events: CloudEvent) -> dict[str, object]:
    records = [{"topic": event.type, "partition": 0, "offset": offset, "timestamp": 1,
                "timestampType": "CREATE_TIME", "key": base64.b64encode(b"k").decode(),
                "value": base64.b64encode(event.to_json()).decode(), "headers": []}
               for offset, event in enumerate(events)]
    return {"eventSource": "aws:kafka", "eventSourceArn": "arn:aws:kafka:eu-central-1:0:cluster/local/x",
            "records": {"t-0": records}}


def opened(account_id: UUID, owner: UUID) -> CloudEvent:
    return new_event("account.opened", "accounts", str(account_id), {
        "account_id": str(account_id), "owner_id": str(owner), "number": "40817810000000000042",
        "currency": "RUB", "product_code": "current", "overdraft_limit": {"amount": "0.00", "currency": "RUB"},
        "opened_by": "employee-1"})


def test_one_agreement_per_account_in_force_from_the_current_version(connection: Connection) -> None:
    owner, account = uuid.uuid4(), uuid.uuid4()
    first = opened(account, owner)
    assert handle_kafka_batch(batch(first), "contracts-test", EVENT_HANDLERS)["applied"] == 1
    assert handle_kafka_batch(batch(first), "contracts-test", EVENT_HANDLERS)["duplicates"] == 1
    # another event about the same account (a republished one, a new id): still one agreement
    assert handle_kafka_batch(batch(opened(account, owner)), "contracts-test", EVENT_HANDLERS)["applied"] == 1

    principal = Principal(subject=str(owner), roles=frozenset({"customer"}), scopes=frozenset(), claims={})
    with UnitOfWork(connection) as uow:
        [agreement] = service.my_contracts(uow, principal, None, 10, None)["items"]
        detail = service.get_contract(uow, principal, UUID(agreement["id"]))
    assert agreement["status"] == "active" and agreement["title"] == "Договор банковского счёта"
    assert [(h["from_status"], h["to_status"]) for h in detail["history"]] == [
        (None, "draft"), ("draft", "signed"), ("signed", "active")]
    assert {h["changed_by"] for h in detail["history"]} == {"employee-1"}
