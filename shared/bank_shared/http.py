"""Service-to-service HTTP through the API gateway: timeouts, bounded retries, the caller's request id.

Only safe requests, or POSTs that carry an Idempotency-Key, are retried, so a retry can never move
money twice.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from fastapi.responses import JSONResponse

from bank_shared.errors import PROBLEM_JSON, DependencyUnavailable
from bank_shared.idempotency import REPLAYED_HEADER
from bank_shared.observability import REQUEST_ID_HEADER, current_request_id, trace_library
from bank_shared.settings import get_settings
from bank_shared.snapstart import reset_on_restore

if TYPE_CHECKING:  # httpx loads with the first call to another service, not with every cold start
    import httpx

RETRYABLE_STATUS = frozenset({502, 503, 504})
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "PUT", "DELETE"})

_client: httpx.Client | None = None


@dataclass(frozen=True)
class Answer:
    """Another service's answer to a call whose refusals the caller relays (problem body when >= 400)."""

    status: int
    body: dict[str, Any]
    replayed: bool = False

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 300


def relay(answer: Answer) -> JSONResponse:
    """Another service's answer handed to our caller unchanged: its status and body (problem+json when it
    is a refusal, whose `instance` the app rewrites to our caller's path) and `Idempotent-Replayed`."""
    headers = {REPLAYED_HEADER: "true"} if answer.replayed else {}
    media_type = PROBLEM_JSON if answer.status >= 400 else "application/json"
    return JSONResponse(answer.body, status_code=answer.status, headers=headers, media_type=media_type)


def json_body(response: httpx.Response) -> dict[str, Any]:
    """The response's JSON object, or {} when it has none."""
    try:
        body = response.json()
    except ValueError:
        body = None
    return body if isinstance(body, dict) else {}


def answer_of(response: httpx.Response, service: str, *, relayed_token: bool = False) -> Answer:
    """The answer, or DependencyUnavailable when the service could not answer: a 5xx, or a 401/403 to our
    own service token (a misconfiguration, an outage to our caller). With the caller's own token relayed,
    401/403 is the service's answer to that caller."""
    status = response.status_code
    if status >= 500 or (not relayed_token and status in (401, 403)):
        raise DependencyUnavailable(f"{service} answered {status}", dependency=service)
    return Answer(status, json_body(response), response.headers.get(REPLAYED_HEADER) == "true")


def _shared_client() -> httpx.Client:
    global _client
    if _client is None:
        trace_library("httpx")  # before the client exists: X-Ray instruments clients built after its patch
        import httpx

        settings = get_settings()
        _client = httpx.Client(
            base_url=settings.service_base_url,
            timeout=httpx.Timeout(settings.http_timeout_seconds, connect=1.0),
        )
    return _client


@reset_on_restore
def close_shared_client() -> None:
    """Close the pooled connections (tests; a SnapStart restore must not reuse the snapshot's sockets)."""
    global _client
    if _client is not None:
        _client.close()
    _client = None


class ServiceClient:
    """Calls another service's API; `token` supplies the bearer token (client credentials)."""

    def __init__(
        self,
        service: str,
        token: Callable[[], str] | None = None,
        *,
        retries: int = 2,
        backoff_seconds: float = 0.1,
        client: httpx.Client | None = None,
    ) -> None:
        self.service = service
        self._token = token
        self._retries = retries
        self._backoff = backoff_seconds
        self._client = client

    def request(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        import httpx

        client = self._client or _shared_client()
        headers = dict(kwargs.pop("headers", None) or {})
        if (request_id := current_request_id()) is not None:
            headers.setdefault(REQUEST_ID_HEADER, request_id)
        if self._token is not None:
            headers["Authorization"] = f"Bearer {self._token()}"
        retryable = method.upper() in SAFE_METHODS or "Idempotency-Key" in headers
        attempts = 1 + (self._retries if retryable else 0)
        url = f"/api/{self.service}{path}"
        for attempt in range(attempts):
            try:
                response = client.request(method, url, headers=headers, **kwargs)
            except httpx.TransportError as error:
                if attempt + 1 == attempts:
                    raise DependencyUnavailable(f"{self.service} is unreachable: {type(error).__name__}",
                                                dependency=self.service) from error
            else:
                if response.status_code not in RETRYABLE_STATUS or attempt + 1 == attempts:
                    return response
            time.sleep(self._backoff * (2**attempt))
        raise AssertionError("unreachable")

    @classmethod
    def as_service(cls, service: str, token: Callable[[], str] | None = None, **kwargs: Any) -> ServiceClient:
        """A client that calls `service` as this service (client-credentials token) unless given a token."""
        if token is None:
            from bank_shared.service_auth import service_token

            token = service_token
        return cls(service, token, **kwargs)

    def post_with_key(self, path: str, key: str, body: dict[str, Any] | None, timeout: float) -> Answer:
        """A money-moving POST under an Idempotency-Key; the answer is relayed, outages raise."""
        response = self.post(path, json=body, headers={"Idempotency-Key": key}, timeout=timeout)
        return answer_of(response, self.service)

    def get_json(self, path: str, **kwargs: Any) -> dict[str, Any]:
        """A lookup that must succeed: anything but 200 is the service being unavailable to us."""
        response = self.get(path, **kwargs)
        if response.status_code != 200:
            raise DependencyUnavailable(f"{self.service} answered {response.status_code}",
                                        dependency=self.service)
        return json_body(response)

    def get(self, path: str, **kwargs: Any) -> httpx.Response:
        return self.request("GET", path, **kwargs)

    def post(self, path: str, **kwargs: Any) -> httpx.Response:
        return self.request("POST", path, **kwargs)
