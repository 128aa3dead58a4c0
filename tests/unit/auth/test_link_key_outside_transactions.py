"""The one-time link key is read with no database transaction open (the transaction guard has no exceptions):
each auth route that creates a link reads the key from Secrets Manager (moto) before its unit of work opens and
hands it to the use case, whose link then opens with a token derived from that key. Each key read is recorded
with whether a transaction was open at that moment; a route that left the read to the use case records True."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any
from uuid import UUID

import pytest
from auth_fakes import PASSWORD, Realm
from moto import mock_aws

from auth_service import api, lifecycle_api, service
from bank_shared import one_time_links
from bank_shared.aws import client, reset_clients
from bank_shared.one_time_links import ACTIVATION, PASSWORD_RESET, LinkKey
from bank_shared.settings import get_settings
from bank_shared.transaction_guard import in_transaction

KEY = LinkKey(b"k" * 48)
EMAIL = "links@example.com"


@pytest.fixture
def key_reads(realm: Realm, monkeypatch: pytest.MonkeyPatch) -> Iterator[list[bool]]:
    """The link key in moto's Secrets Manager; auth's routes over the realm's in-memory units of work."""
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)
    monkeypatch.setattr(api, "UnitOfWork", realm.db.unit_of_work)
    monkeypatch.setattr(lifecycle_api, "UnitOfWork", realm.db.unit_of_work)
    reads: list[bool] = []
    real_read = one_time_links.secret_json

    def recorded(secret_id: str) -> dict[str, Any]:
        reads.append(in_transaction())
        return real_read(secret_id)

    monkeypatch.setattr(one_time_links, "secret_json", recorded)
    with mock_aws():
        reset_clients()
        client("secretsmanager").create_secret(Name=get_settings().one_time_link_key_secret_id,
                                               SecretString=json.dumps({"key": "k" * 48}))
        yield reads
        reset_clients()


def link_of(realm: Realm, purpose: str, event_type: str) -> str:
    return KEY.token(purpose, UUID(realm.events(event_type)[-1]["data"]["link_id"]))


def register(realm: Realm) -> UUID:
    api.register(api.RegisterRequest(email=EMAIL, password=PASSWORD, full_name="Lena Link"))  # type: ignore[arg-type]
    return UUID(str(realm.run(service.activate, link_of(realm, ACTIVATION, "user.registered"))))


def test_registration_reads_the_key_before_its_transaction(realm: Realm, key_reads: list[bool]) -> None:
    user_id = register(realm)  # the activation link opens with the token of the key read
    assert key_reads == [False]
    assert realm.store.user(user_id)["status"] == "active"


def test_a_resent_activation_reads_the_key_before_its_transaction(realm: Realm, key_reads: list[bool]) -> None:
    api.register(api.RegisterRequest(email=EMAIL, password=PASSWORD, full_name="Lena Link"))  # type: ignore[arg-type]
    api.resend_activation(api.EmailRequest(email=EMAIL))  # type: ignore[arg-type]
    assert key_reads == [False, False]
    realm.run(service.activate, link_of(realm, ACTIVATION, "user.registered"))


def test_a_password_reset_link_reads_the_key_before_its_transaction(realm: Realm, key_reads: list[bool]) -> None:
    register(realm)
    api.forgot_password(api.EmailRequest(email=EMAIL))  # type: ignore[arg-type]
    assert key_reads == [False, False]
    realm.run(service.reset_password, link_of(realm, PASSWORD_RESET, "user.password_reset_requested"),
              "Another-horse-7")


def test_a_customer_created_by_the_office_reads_the_key_before_its_transaction(realm: Realm,
                                                                                key_reads: list[bool]) -> None:
    create = next(route.endpoint for route in api.internal.routes
                  if getattr(route, "path", "") == "/internal/customers" and "POST" in getattr(route, "methods", ()))
    create(lifecycle_api.NewCustomerRequest(email=EMAIL, full_name="Lena Link"), None)  # type: ignore[arg-type]
    assert key_reads == [False]
    realm.run(service.reset_password, link_of(realm, PASSWORD_RESET, "user.password_reset_requested"),
              "Another-horse-7")
