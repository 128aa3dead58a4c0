# ruff: noqa: RUF001 - Russian contract text (Cyrillic letters are intended)
"""The contracts service without a database: placeholders and rendering, the lifecycle table, the seed's
templates, the document store (moto S3), and the routes' roles and Idempotency-Key checks."""

from __future__ import annotations

import os
import re
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from bank_shared.auth import Principal, current_principal
from bank_shared.errors import DependencyUnavailable
from contracts_service import documents, rendering, service
from contracts_service.api import app
from contracts_service.settings import get_contracts_settings

BUCKET = "test-statements"


def test_placeholders_in_order_without_duplicates() -> None:
    body = "{{full_name}}, счёт {{ account_number }}; снова {{full_name}} от {{contract_date}}"
    assert rendering.placeholders(body) == ["full_name", "account_number", "contract_date"]
    assert rendering.missing_values(body, {"full_name": "Иванов", "account_number": " "}) == [
        "account_number", "contract_date"]
    text = rendering.render(body, {"full_name": "Иванов", "account_number": "40817", "contract_date": "01.02.2026"})
    assert text == "Иванов, счёт 40817; снова Иванов от 01.02.2026"
    assert rendering.sha256_hex(text) == rendering.sha256_hex(text) and len(rendering.sha256_hex(text)) == 64


def test_malformed_placeholders_are_found() -> None:
    assert rendering.malformed_placeholders("{{Full Name}} и {{ok}} и {{1x}}") == ["{{Full Name}}", "{{1x}}"]
    assert rendering.malformed_placeholders("{{full_name}} без ошибок") == []
    with pytest.raises(service.MalformedPlaceholder) as caught:
        service._check_body("Клиент {{ФИО}}")
    assert caught.value.status == 422 and caught.value.code == "malformed_placeholder"


@pytest.mark.parametrize(("action", "status", "expected"), [
    ("sign", "draft", "signed"), ("activate", "signed", "active"), ("terminate", "draft", "terminated"),
    ("terminate", "signed", "terminated"), ("terminate", "active", "terminated")])
def test_allowed_transitions(action: str, status: str, expected: str) -> None:
    assert service.next_status(action, status) == expected


@pytest.mark.parametrize(("action", "status"), [
    ("sign", "signed"), ("sign", "active"), ("sign", "terminated"), ("activate", "draft"),
    ("activate", "active"), ("activate", "terminated"), ("terminate", "terminated")])
def test_invalid_transitions_are_conflicts_with_a_stable_code(action: str, status: str) -> None:
    with pytest.raises(service.InvalidTransition) as caught:
        service.next_status(action, status)
    assert caught.value.status == 409 and caught.value.code == "invalid_contract_transition"
    assert caught.value.extra == {"contract_status": status, "action": action}


REFERENCE_TEMPLATES = (Path(documents.__file__).parent / "migrations" / "0002_reference_templates.sql").read_text()


def test_reference_templates_are_well_formed_and_need_only_known_values() -> None:
    codes = re.findall(r"VALUES \(gen_random_uuid\(\), '([a-z_]+)'", REFERENCE_TEMPLATES)
    assert codes == ["kbo", "bank_account", "card_issue"]
    bodies = re.findall(r"\$body\$(.*?)\$body\$", REFERENCE_TEMPLATES, flags=re.DOTALL)
    assert len(bodies) == len(codes)
    for body in bodies:
        assert rendering.malformed_placeholders(body) == []
        assert set(rendering.placeholders(body)) - rendering.AUTOMATIC <= {"full_name", "account_number"}


def test_staff_must_name_the_customer_and_customers_only_themselves() -> None:
    me = uuid.uuid4()
    customer = Principal(str(me), frozenset({"customer"}), frozenset(), {})
    staff = Principal("e", frozenset({"employee"}), frozenset(), {})
    assert service._customer_for(customer, None) == me
    assert service._customer_for(staff, me) == me
    with pytest.raises(service.Forbidden):
        service._customer_for(customer, uuid.uuid4())
    with pytest.raises(service.Unprocessable):
        service._customer_for(staff, None)


# the document store ---------------------------------------------------------------------------------------------

@pytest.fixture
def s3(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    from moto import mock_aws

    from bank_shared.aws import client, reset_clients

    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)
    monkeypatch.setenv("STATEMENTS_BUCKET", BUCKET)
    os.environ.setdefault("AWS_ACCESS_KEY_ID", "testing")
    os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "testing")
    get_contracts_settings.cache_clear()
    with mock_aws():
        reset_clients()
        yield client("s3")
        reset_clients()
    get_contracts_settings.cache_clear()


def test_document_is_stored_encrypted_with_its_digest_and_served_by_a_presigned_url(s3: Any) -> None:
    s3.create_bucket(Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": "eu-central-1"})
    text = "Договор № 2026-000001\nКлиент: Иванов Иван"
    key = documents.document_key("c1", "k1", 3)
    assert key == "contracts/c1/k1/v3.txt"
    documents.put_document(key, text, rendering.sha256_hex(text))
    stored = s3.get_object(Bucket=BUCKET, Key=key)
    assert stored["Body"].read().decode() == text
    assert stored["Metadata"]["sha256"] == rendering.sha256_hex(text)
    assert stored["ServerSideEncryption"] == "AES256"
    link = documents.presigned_url(key, "contract.txt")
    assert link["expires_in"] == 300 and BUCKET in link["url"] and "Signature" in link["url"]


def test_a_missing_bucket_is_a_503_not_a_500(s3: Any) -> None:
    with pytest.raises(DependencyUnavailable) as caught:
        documents.put_document("contracts/x.txt", "текст", rendering.sha256_hex("текст"))
    assert caught.value.status == 503 and caught.value.code == "document_store_unavailable"


# routes: roles and headers, decided before any database access ------------------------------------------------

def _as(*roles: str) -> TestClient:
    app.dependency_overrides[current_principal] = lambda: Principal(str(uuid.uuid4()), frozenset(roles),
                                                                    frozenset(), {})
    return TestClient(app, raise_server_exceptions=False)


@pytest.fixture(autouse=True)
def _clear_overrides() -> Iterator[None]:
    yield
    app.dependency_overrides.pop(current_principal, None)


VERSION = {"title": "Договор", "body": "Текст {{full_name}}", "effective_from": "2026-01-01"}


@pytest.mark.parametrize(("method", "path", "body"), [
    ("POST", "/api/contracts/templates", {**VERSION, "code": "new_one", "name": "Новый"}),
    ("POST", f"/api/contracts/templates/{uuid.uuid4()}/versions", VERSION),
])
def test_only_admins_publish(method: str, path: str, body: dict[str, Any]) -> None:
    for role in ("customer", "employee"):
        response = _as(role).request(method, path, json=body)
        assert response.status_code == 403, response.text
        assert response.headers["content-type"].startswith("application/problem+json")


@pytest.mark.parametrize("action", ["activate", "terminate"])
def test_customers_cannot_activate_or_terminate(action: str) -> None:
    response = _as("customer").post(f"/api/contracts/contracts/{uuid.uuid4()}/{action}", json={"reason": "x"})
    assert response.status_code == 403


def test_staff_list_is_staff_only_and_creation_needs_a_key() -> None:
    assert _as("customer").get("/api/contracts/contracts").status_code == 403
    response = _as("employee").post("/api/contracts/contracts", json={"template_id": str(uuid.uuid4())})
    assert response.status_code == 400 and response.json()["code"] == "idempotency_key_missing"


def test_bad_input_is_a_422_listing_fields() -> None:
    client = _as("employee")
    response = client.post("/api/contracts/contracts", headers={"Idempotency-Key": "k"},
                           json={"template_id": "nope", "parameters": {"Bad Name": "x"}})
    assert response.status_code == 422
    fields = {error["field"] for error in response.json()["errors"]}
    assert "template_id" in fields
    assert client.post(f"/api/contracts/contracts/{uuid.uuid4()}/terminate", json={"reason": "  "}).status_code == 422
    assert client.get("/api/contracts/contracts", params={"status": "lost"}).status_code == 422
