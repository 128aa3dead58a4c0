"""Service-to-service tokens survive a rotated client secret (found by the LocalStack fault drill: after
LocalStack restarted, the regenerated secrets made every warm function's token request fail with 401)."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from bank_shared import aws, service_auth


@pytest.fixture(autouse=True)
def fresh_state() -> Any:
    service_auth.forget_service_token()
    aws.secret_json.cache_clear()
    yield
    service_auth.forget_service_token()
    aws.secret_json.cache_clear()


def test_a_rotated_secret_is_read_again_once(monkeypatch: pytest.MonkeyPatch) -> None:
    store = {"secret": "old"}
    reads: list[str] = []

    class SecretsManager:
        def get_secret_value(self, SecretId: str) -> dict[str, str]:
            reads.append(SecretId)
            return {"SecretString": f'{{"client_id": "ledger", "client_secret": "{store["secret"]}"}}'}

    def token_endpoint(url: str, data: dict[str, str], timeout: float) -> httpx.Response:
        if data["client_secret"] != "new":
            return httpx.Response(401, json={"error": "invalid_client"})
        return httpx.Response(200, json={"access_token": "fresh", "expires_in": 300})

    monkeypatch.setattr(aws, "client", lambda _name: SecretsManager())
    monkeypatch.setattr(httpx, "post", token_endpoint)
    aws.secret_json(service_auth.client_secret_id())  # the old secret is cached in this environment
    store["secret"] = "new"  # ... and then rotated
    assert service_auth.service_token() == "fresh"
    assert len(reads) == 2


def test_a_secret_that_stays_wrong_is_a_dependency_problem(monkeypatch: pytest.MonkeyPatch) -> None:
    class SecretsManager:
        def get_secret_value(self, SecretId: str) -> dict[str, str]:
            return {"SecretString": '{"client_id": "ledger", "client_secret": "wrong"}'}

    monkeypatch.setattr(aws, "client", lambda _name: SecretsManager())
    monkeypatch.setattr(httpx, "post",
                        lambda url, data, timeout: httpx.Response(401, json={"error": "invalid_client"}))
    with pytest.raises(service_auth.DependencyUnavailable):
        service_auth.service_token()
