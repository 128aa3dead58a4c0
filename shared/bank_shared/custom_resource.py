"""CloudFormation custom resources answered one way (every resource handler in the repo goes through here).

CloudFormation invokes a function with a request and then waits for a JSON answer PUT to the pre-signed
`ResponseURL`. Whatever happens (success, a typed failure, an unexpected exception, or the function about to
run out of time) exactly one answer is sent, so a stack never waits an hour for a function that died.
Reasons and log lines never carry a secret: a handler marks every secret value it touches with
`request.secret(value)` and those values are masked before anything is logged or sent.

A resource is anything with `create`, `update` and `delete` taking the `Request` and returning an `Outcome`
(a module with three functions will do). The physical resource id a handler returns must be stable for the
same real thing: a new id makes CloudFormation delete the old one after an update.
"""

from __future__ import annotations

import json
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Literal, Protocol, cast

from bank_shared.observability import logger

RequestType = Literal["Create", "Update", "Delete"]
_REQUEST_TYPES = ("Create", "Update", "Delete")
# CloudFormation shows at most a few hundred characters of a reason; the whole answer must stay under 4 KB.
MAX_REASON_CHARS = 900
# Answer FAILED this long before Lambda would kill the function (the PUT itself needs a moment).
TIMEOUT_MARGIN_SECONDS = 10.0
_SEND_ATTEMPTS = 4
_MASK = "***"


class CustomResourceError(Exception):
    """A failure whose message is written for the stack's events (no secret, no stack trace)."""


@dataclass
class Request:
    """One CloudFormation custom-resource request, parsed."""

    request_type: RequestType
    resource_type: str
    logical_resource_id: str
    stack_id: str
    request_id: str
    response_url: str
    properties: dict[str, Any]
    old_properties: dict[str, Any] = field(default_factory=dict)
    physical_resource_id: str | None = None
    _secrets: set[str] = field(default_factory=set, repr=False)

    @classmethod
    def parse(cls, event: Mapping[str, Any]) -> Request:
        request_type = event.get("RequestType")
        if request_type not in _REQUEST_TYPES:
            raise CustomResourceError(f"unknown RequestType {request_type!r}")
        missing = [key for key in ("ResponseURL", "StackId", "RequestId", "LogicalResourceId", "ResourceType")
                   if not event.get(key)]
        if missing:
            raise CustomResourceError(f"the request lacks {', '.join(missing)}")
        return cls(
            request_type=cast(RequestType, request_type),
            resource_type=str(event["ResourceType"]),
            logical_resource_id=str(event["LogicalResourceId"]),
            stack_id=str(event["StackId"]),
            request_id=str(event["RequestId"]),
            response_url=str(event["ResponseURL"]),
            properties=_without_service_keys(event.get("ResourceProperties")),
            old_properties=_without_service_keys(event.get("OldResourceProperties")),
            physical_resource_id=event.get("PhysicalResourceId") or None,
        )

    @property
    def stack_name(self) -> str:
        # arn:aws:cloudformation:<region>:<account>:stack/<name>/<uuid>
        parts = self.stack_id.split("/")
        return parts[1] if len(parts) >= 3 else self.stack_id

    def prop(self, name: str) -> Any:
        """A required property; its absence is the template's mistake, said so plainly."""
        if name not in self.properties or self.properties[name] in (None, ""):
            raise CustomResourceError(f"{self.resource_type} {self.logical_resource_id}: property {name} is required")
        return self.properties[name]

    def secret(self, value: str) -> str:
        """Mark a value as secret (masked in every reason and log line from now on); returns it unchanged."""
        if value:
            self._secrets.add(value)
        return value

    def mask(self, text: str) -> str:
        # Longest first, so a secret that contains another is masked whole.
        for value in sorted(self._secrets, key=len, reverse=True):
            text = text.replace(value, _MASK)
        return text


@dataclass(frozen=True)
class Outcome:
    physical_resource_id: str
    data: Mapping[str, str] = field(default_factory=dict)


class Resource(Protocol):
    def create(self, request: Request) -> Outcome: ...

    def update(self, request: Request) -> Outcome: ...

    def delete(self, request: Request) -> Outcome: ...


class ConvergingResource:
    """A resource whose create and update converge on the same state (safe to repeat) and whose delete keeps
    what it made (databases, topics, schemas hold the bank's data). Subclasses say how to converge and name
    the physical id a delete answers with when the request carries none."""

    def converge(self, request: Request) -> Outcome:
        raise NotImplementedError

    def physical_id(self, request: Request) -> str:
        raise NotImplementedError

    def create(self, request: Request) -> Outcome:
        return self.converge(request)

    def update(self, request: Request) -> Outcome:
        return self.converge(request)

    def delete(self, request: Request) -> Outcome:
        return Outcome(request.physical_resource_id or self.physical_id(request))


Sender = Callable[[str, bytes], None]


@lru_cache(maxsize=8)
def aws_client(service_name: str) -> Any:
    """A boto3 client configured by the environment alone (AWS_REGION, AWS_ENDPOINT_URL in tests): custom
    resource functions run without a service's settings."""
    import boto3  # deferred: only resource handlers that call AWS pay for it

    return boto3.client(service_name)  # type: ignore[call-overload]  # boto3-stubs overloads need a literal


def read_secret(request: Request, secret_id: str) -> dict[str, Any]:
    """A JSON secret from Secrets Manager; its password (if any) is marked secret on the request."""
    raw = aws_client("secretsmanager").get_secret_value(SecretId=secret_id)["SecretString"]
    try:
        value = json.loads(raw)
    except ValueError as error:
        raise CustomResourceError(f"secret {secret_id} is not JSON") from error
    if not isinstance(value, dict):
        raise CustomResourceError(f"secret {secret_id} is not a JSON object")
    request.secret(str(value.get("password") or ""))
    return value


def put_response(url: str, body: bytes) -> None:
    """PUT the answer to the pre-signed S3 URL (its signature covers an empty content type), with retries."""
    for attempt in range(1, _SEND_ATTEMPTS + 1):
        request = urllib.request.Request(  # noqa: S310 - the URL is CloudFormation's pre-signed https URL
            url, data=body, method="PUT", headers={"Content-Type": "", "Content-Length": str(len(body))})
        try:
            with urllib.request.urlopen(request, timeout=10):  # noqa: S310 - urlopen raises on 4xx/5xx
                return
        except (urllib.error.URLError, TimeoutError, ConnectionError) as error:
            if attempt == _SEND_ATTEMPTS:
                raise
            logger.warning("custom resource answer not delivered; retrying",
                           extra={"attempt": attempt, "error": type(error).__name__})
            time.sleep(0.5 * 2 ** attempt)


class _Responder:
    """Sends the one answer of a request; later attempts (e.g. the timeout watchdog) do nothing."""

    def __init__(self, request: Request, send: Sender) -> None:
        self.request = request
        self._send = send
        self._lock = threading.Lock()
        self.sent: dict[str, Any] | None = None

    def succeed(self, outcome: Outcome) -> dict[str, Any]:
        data = {str(key): str(value) for key, value in outcome.data.items()}
        return self._answer("SUCCESS", outcome.physical_resource_id, None, data)

    def fail(self, reason: str) -> dict[str, Any]:
        physical_id = self.request.physical_resource_id or self._failed_create_id()
        return self._answer("FAILED", physical_id, reason, {})

    def _failed_create_id(self) -> str:
        # A create that failed still needs an id; the rollback's Delete then arrives with it (and is a no-op).
        return f"{self.request.logical_resource_id}-not-created"

    def _answer(self, status: str, physical_id: str, reason: str | None,
                data: dict[str, str]) -> dict[str, Any]:
        with self._lock:
            if self.sent is not None:
                return self.sent
            masked_reason = self.request.mask(reason or "")[:MAX_REASON_CHARS] if reason else None
            body: dict[str, Any] = {
                "Status": status,
                "PhysicalResourceId": physical_id,
                "StackId": self.request.stack_id,
                "RequestId": self.request.request_id,
                "LogicalResourceId": self.request.logical_resource_id,
                "NoEcho": False,
                "Data": data,
            }
            if masked_reason:
                body["Reason"] = masked_reason
            self.sent = body
        logger.info("custom resource answered", extra={
            "resource_type": self.request.resource_type, "logical_id": self.request.logical_resource_id,
            "request_type": self.request.request_type, "status": status, "physical_id": physical_id,
            "reason": masked_reason, "data_keys": sorted(data)})
        try:
            self._send(self.request.response_url, json.dumps(body).encode())
        except Exception as error:  # noqa: BLE001 - nothing else can be done; CloudFormation times the resource out
            logger.error("custom resource answer could not be delivered", extra={"error": type(error).__name__})
        return body


def handle(event: Mapping[str, Any], context: Any, resources: Mapping[str, Resource],
           send: Sender = put_response) -> dict[str, Any]:
    """Run the request against the resource registered for its type and send exactly one answer.

    Returns the answer sent (for tests and logs). Never raises: an error becomes a FAILED answer.
    """
    try:
        request = Request.parse(event)
    except CustomResourceError as error:
        # Without a ResponseURL nobody can be answered; say why in the log and stop.
        logger.error("custom resource request unusable", extra={"error": str(error)})
        if not event.get("ResponseURL"):
            return {"Status": "FAILED", "Reason": str(error)}
        request = _fallback_request(event)
        return _Responder(request, send).fail(str(error))
    responder = _Responder(request, send)
    watchdog = _watchdog(context, responder)
    try:
        resource = resources.get(request.resource_type)
        if resource is None:
            raise CustomResourceError(f"this function answers {', '.join(sorted(resources))}, "
                                      f"not {request.resource_type}")
        operation: Callable[[Request], Outcome] = getattr(resource, request.request_type.lower())
        return responder.succeed(operation(request))
    except CustomResourceError as error:
        return responder.fail(str(error))
    except Exception as error:  # noqa: BLE001 - any failure must become a FAILED answer, never a hung stack
        logger.error("custom resource failed", extra={
            "resource_type": request.resource_type, "error": type(error).__name__,
            "detail": request.mask(str(error))[:MAX_REASON_CHARS]})
        return responder.fail(f"{type(error).__name__}: {error}")
    finally:
        if watchdog is not None:
            watchdog.cancel()


def _watchdog(context: Any, responder: _Responder) -> threading.Timer | None:
    remaining_ms = getattr(context, "get_remaining_time_in_millis", None)
    if remaining_ms is None:
        return None
    delay = max(remaining_ms() / 1000 - TIMEOUT_MARGIN_SECONDS, 1.0)
    timer = threading.Timer(delay, responder.fail, args=("the function ran out of time before finishing",))
    timer.daemon = True
    timer.start()
    return timer


def _fallback_request(event: Mapping[str, Any]) -> Request:
    return Request(
        request_type="Create", resource_type=str(event.get("ResourceType") or "Custom::Unknown"),
        logical_resource_id=str(event.get("LogicalResourceId") or "Unknown"),
        stack_id=str(event.get("StackId") or ""), request_id=str(event.get("RequestId") or ""),
        response_url=str(event["ResponseURL"]), properties={},
        physical_resource_id=event.get("PhysicalResourceId") or None)


def _without_service_keys(raw: Any) -> dict[str, Any]:
    """Resource properties minus the keys CloudFormation itself consumes."""
    if not isinstance(raw, Mapping):
        return {}
    return {key: value for key, value in raw.items() if key not in ("ServiceToken", "ServiceTimeout")}
