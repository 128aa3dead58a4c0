"""Contracts through the local gateway (real handler, the stack's contracts database and S3 bucket)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import psycopg
import pytest

from tests.support.stack import bearer, database_url, gateway_url, mint_token

# Minted when the module is collected, used when its tests run (maybe many minutes later in `make test`).
ADMIN = bearer(mint_token(roles=("admin",), ttl=3600))
STAFF = bearer(mint_token(roles=("employee",), ttl=3600))
BODY = "Договор № {{contract_number}} от {{contract_date}}. Клиент: {{full_name}}."


@pytest.fixture(scope="module")
def client() -> Iterator[httpx.Client]:
    with httpx.Client(base_url=f"{gateway_url()}/api/contracts", timeout=15) as http:
        yield http


def _customer() -> tuple[str, dict[str, str]]:
    owner = str(uuid.uuid4())
    return owner, bearer(mint_token(owner))


def _template(client: httpx.Client, *, self_service: bool, body: str = BODY) -> dict[str, Any]:
    code = f"t_{uuid.uuid4().hex[:12]}"
    response = client.post("/templates", headers=ADMIN, json={
        "code": code, "name": f"Шаблон {code}", "self_service": self_service, "title": "Версия 1",
        "body": body, "effective_from": "2025-01-01"})
    assert response.status_code == 201, response.text
    return dict(response.json())


def _create(client: httpx.Client, headers: dict[str, str], template_id: str, key: str | None = None,
            **body: Any) -> httpx.Response:
    return client.post("/contracts", headers={**headers, "Idempotency-Key": key or str(uuid.uuid4())},
                       json={"template_id": template_id, "parameters": {"full_name": "Иванов И. И."}, **body})


def _problem(response: httpx.Response, status: int, code: str) -> None:
    assert response.status_code == status, response.text
    assert response.json()["code"] == code


def _db() -> psycopg.Connection[Any]:
    return psycopg.connect(database_url("contracts"), autocommit=True)


def test_versions_are_numbered_immutable_and_only_those_in_effect_are_used(client: httpx.Client) -> None:
    template = _template(client, self_service=True)
    assert template["latest_version"] == 1 and template["versions"][0]["placeholders"] == [
        "contract_number", "contract_date", "full_name"]
    path = f"/templates/{template['id']}/versions"
    tomorrow = (datetime.now(UTC).date() + timedelta(days=2)).isoformat()
    v2 = client.post(path, headers=ADMIN,
                     json={"title": "Версия 2", "body": BODY + " v2", "effective_from": "2026-01-01"})
    v3 = client.post(path, headers=ADMIN, json={"title": "Версия 3", "body": BODY + " v3", "effective_from": tomorrow})
    assert (v2.status_code, v2.json()["version"], v3.json()["version"]) == (201, 2, 3)
    _problem(client.post(path, headers=ADMIN, json={"title": "x", "body": "{{ФИО}}", "effective_from": tomorrow}),
             422, "malformed_placeholder")
    _problem(client.post("/templates", headers=ADMIN, json={
        "code": template["code"], "name": "x", "title": "x", "body": "x", "effective_from": "2025-01-01"}),
        409, "template_code_taken")
    _problem(client.get(f"/templates/{uuid.uuid4()}", headers=STAFF), 404, "template_not_found")

    _, headers = _customer()
    contract = _create(client, headers, template["id"]).json()
    assert contract["template_version"] == 2 and contract["title"] == "Версия 2"  # v3 not in effect yet

    with _db() as db, pytest.raises(psycopg.errors.CheckViolation):
        db.execute("UPDATE template_versions SET body = 'changed' WHERE template_id = %s", (template["id"],))


def test_self_service_contract_is_idempotent_and_active_on_signing(client: httpx.Client) -> None:
    template = _template(client, self_service=True)
    owner, headers = _customer()
    key = str(uuid.uuid4())
    first = _create(client, headers, template["id"], key)
    again = _create(client, headers, template["id"], key)
    assert first.status_code == 201, first.text
    assert again.status_code == 201 and again.headers["Idempotent-Replayed"] == "true"
    assert again.json() == first.json()
    _problem(_create(client, headers, template["id"], key, parameters={"full_name": "Другой"}),
             422, "idempotency_key_reused")
    contract = first.json()
    assert contract["status"] == "draft" and contract["customer_id"] == owner

    document = client.get(f"/contracts/{contract['id']}/document", headers=headers).json()
    assert "Клиент: Иванов И. И." in document["text"] and contract["number"] in document["text"]
    assert document["sha256"] == contract["document_sha256"]
    stored = httpx.get(document["url"], timeout=10)
    assert stored.status_code == 200 and stored.content.decode() == document["text"]

    signed = client.post(f"/contracts/{contract['id']}/sign", headers=headers)
    assert signed.status_code == 200 and signed.json()["status"] == "active"
    detail = client.get(f"/contracts/{contract['id']}", headers=headers).json()
    assert [(h["from_status"], h["to_status"]) for h in detail["history"]] == [
        (None, "draft"), ("draft", "signed"), ("signed", "active")]
    assert all(h["changed_by"] == owner for h in detail["history"])
    with _db() as db:
        topics = [row[0] for row in db.execute(
            "SELECT topic FROM outbox WHERE message_key = %s ORDER BY created_at, topic", (contract["id"],))]
    assert sorted(topics) == ["contract.activated", "contract.signed"]


def test_bank_contract_lifecycle_and_object_level_access(client: httpx.Client) -> None:
    template = _template(client, self_service=False, body=BODY + " Счёт {{account_number}}.")
    owner, headers = _customer()
    _, stranger = _customer()
    _problem(_create(client, headers, template["id"]), 403, "template_not_self_service")
    _problem(_create(client, STAFF, template["id"], customer_id=owner), 422, "missing_placeholders")
    _problem(_create(client, STAFF, template["id"]), 422, "unprocessable")
    created = _create(client, STAFF, template["id"], customer_id=owner,
                      parameters={"full_name": "Петров П. П.", "account_number": "40817810000000000001"})
    assert created.status_code == 201, created.text
    path = f"/contracts/{created.json()['id']}"

    for request in (client.get(path, headers=stranger), client.get(f"{path}/document", headers=stranger),
                    client.post(f"{path}/sign", headers=stranger)):
        _problem(request, 404, "contract_not_found")
    _problem(client.post(f"{path}/sign", headers=STAFF), 403, "not_contract_owner")
    _problem(client.post(f"{path}/activate", headers=STAFF), 409, "invalid_contract_transition")
    assert client.post(f"{path}/sign", headers=headers).json()["status"] == "signed"
    active = client.post(f"{path}/activate", headers=STAFF).json()
    assert active["status"] == "active" and active["signed_at"] and active["activated_at"]
    _problem(client.post(f"{path}/sign", headers=headers), 409, "invalid_contract_transition")
    terminated = client.post(f"{path}/terminate", headers=STAFF, json={"reason": "Заявление клиента"})
    assert terminated.json()["status"] == "terminated"
    assert terminated.json()["termination_reason"] == "Заявление клиента"
    _problem(client.post(f"{path}/terminate", headers=STAFF, json={"reason": "ещё раз"}), 409,
             "invalid_contract_transition")
    history = client.get(path, headers=STAFF).json()["history"]
    assert [h["to_status"] for h in history] == ["draft", "signed", "active", "terminated"]
    assert history[-1]["reason"] == "Заявление клиента"


def test_lists_are_own_for_customers_and_paginated_for_staff(client: httpx.Client) -> None:
    template = _template(client, self_service=True)
    owner, headers = _customer()
    _, stranger = _customer()
    ids = [_create(client, headers, template["id"]).json()["id"] for _ in range(3)]
    mine = client.get("/contracts/my", headers=headers).json()
    assert [item["id"] for item in mine["items"]] == ids[::-1] and mine["next_cursor"] is None
    assert client.get("/contracts/my", headers=stranger).json()["items"] == []

    seen: list[str] = []
    cursor = None
    while True:
        params: dict[str, Any] = {"customer_id": owner, "limit": 2, **({"cursor": cursor} if cursor else {})}
        page = client.get("/contracts", headers=STAFF, params=params).json()
        seen += [item["id"] for item in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert seen == ids[::-1]
    assert client.get("/contracts", headers=STAFF, params={"customer_id": owner, "status": "active"}).json() == {
        "items": [], "next_cursor": None}
    _problem(client.get("/contracts", headers=STAFF, params={"cursor": "garbage"}), 400, "invalid_cursor")
