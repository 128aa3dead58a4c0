"""Calling a bank service as another bank function does: by invoking its Lambda function directly.

- `stack_invoker(caller)`: boto3's Lambda client against the local stack's Invoke API (the gateway's port),
  acting as the service `caller` (integration and end-to-end tests, benchmarks);
- `call(service, method, path, caller=...)`: one request to a service's API that way;
- `InProcessLambda`: a stand-in for boto3's Lambda client that runs handlers in this process (unit tests);
  `in_process(caller, {service: app or handler})` gives an invoker over it.
"""

from __future__ import annotations

import io
import json
import traceback
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from fastapi import FastAPI

from bank_shared.http import LambdaInvoker, ServiceClient, ServiceResponse
from tests.support.lambda_events import Context
from tests.support.stack import gateway_url, stack

LOCAL_PREFIX = "bank-local-"
Handler = Callable[[dict[str, Any], Any], Any]


@lru_cache(maxsize=8)
def _stack_lambda_client(read_timeout: float) -> Any:
    import boto3
    from botocore.config import Config

    config = Config(connect_timeout=1.0, read_timeout=read_timeout, retries={"total_max_attempts": 1})
    return boto3.client("lambda", endpoint_url=gateway_url(), region_name=str(stack()["aws_region"]),
                        aws_access_key_id="test", aws_secret_access_key="test", config=config)


def stack_invoker(caller: str) -> LambdaInvoker:
    """Invokes the local stack's functions (bank-local-<service>) as the service `caller` (the functions'
    own dummy credentials: the local Invoke API wants a signed request but has no IAM)."""
    return LambdaInvoker(caller, LOCAL_PREFIX, client_for=_stack_lambda_client)


def call(service: str, method: str, path: str, *, caller: str = "customer", timeout: float = 30,
         **kwargs: Any) -> ServiceResponse:
    """`method /api/<service><path>` by direct invoke as `caller` (no retries: tests see every answer)."""
    client = ServiceClient(service, retries=0, invoker=stack_invoker(caller))
    return client.request(method, path, timeout=timeout, **kwargs)


@dataclass
class InProcessLambda:
    """boto3 `lambda` client stand-in: `invoke` runs the named handler here and answers as Lambda does."""

    handlers: Mapping[str, Handler]
    events: list[tuple[str, dict[str, Any]]] = field(default_factory=list)

    def invoke(self, *, FunctionName: str, InvocationType: str, Payload: bytes) -> dict[str, Any]:
        event = json.loads(Payload)
        self.events.append((FunctionName, event))
        handler = self.handlers[FunctionName]
        try:
            result = handler(event, Context())
        except Exception as error:  # the handler raised: Lambda's function error
            body = {"errorType": type(error).__name__, "errorMessage": str(error),
                    "stackTrace": traceback.format_exception(error)}
            return {"StatusCode": 200, "FunctionError": "Unhandled", "Payload": io.BytesIO(json.dumps(body).encode())}
        return {"StatusCode": 200, "Payload": io.BytesIO(json.dumps(result).encode())}


def in_process(caller: str, targets: Mapping[str, FastAPI | Handler],
               prefix: str = LOCAL_PREFIX) -> tuple[LambdaInvoker, InProcessLambda]:
    """An invoker acting as `caller` whose functions are these apps (wrapped as the real handler) or handlers."""
    from bank_shared.app import lambda_entrypoint

    handlers = {f"{prefix}{service}": lambda_entrypoint(target) if isinstance(target, FastAPI) else target
                for service, target in targets.items()}
    fake = InProcessLambda(handlers)
    return LambdaInvoker(caller, prefix, client_for=lambda _timeout: fake), fake
