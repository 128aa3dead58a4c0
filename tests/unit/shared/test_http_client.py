"""The shared service-to-service client: lookups that must succeed, relayed money answers, outages."""

from __future__ import annotations

import httpx
import pytest

from bank_shared.errors import DependencyUnavailable
from bank_shared.http import Answer, ServiceClient


def client_answering(status: int, body: object, headers: dict[str, str] | None = None) -> ServiceClient:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(status, json=body, headers=headers)

    http = httpx.Client(base_url="http://gateway", transport=httpx.MockTransport(handler))
    client = ServiceClient("ledger", lambda: "tok", retries=0, client=http)
    client.seen = seen  # type: ignore[attr-defined]
    return client


def test_get_json_returns_the_body_or_raises_an_outage() -> None:
    assert client_answering(200, {"items": [1]}).get_json("/internal/x") == {"items": [1]}
    with pytest.raises(DependencyUnavailable):
        client_answering(404, {"code": "not_found"}).get_json("/internal/x")


def test_post_with_key_relays_refusals_and_marks_replays() -> None:
    client = client_answering(422, {"code": "insufficient_funds"}, {"Idempotent-Replayed": "true"})
    answer = client.post_with_key("/internal/transfers", "k-1", {"amount": "1.00"}, timeout=1)
    assert answer == Answer(422, {"code": "insufficient_funds"}, replayed=True)
    assert not answer.ok
    request = client.seen[0]  # type: ignore[attr-defined]
    assert request.headers["Idempotency-Key"] == "k-1"
    assert request.headers["Authorization"] == "Bearer tok"


@pytest.mark.parametrize("status", [401, 403, 500, 503])
def test_post_with_key_treats_auth_failures_and_5xx_as_outages(status: int) -> None:
    with pytest.raises(DependencyUnavailable):
        client_answering(status, {}).post_with_key("/internal/transfers", "k", {}, timeout=1)


def test_non_json_bodies_become_empty_objects() -> None:
    http = httpx.Client(base_url="http://gateway",
                        transport=httpx.MockTransport(lambda request: httpx.Response(200, text="ok")))
    assert ServiceClient("fx", None, client=http).get_json("/x") == {}
