"""A warm service-to-service call by direct Lambda invoke against the old path (HTTP through the API gateway
with a bearer token), same run, same route, same function.

Both sides ask the ledger for one account's balance as the customer service would (`GET
/api/ledger/accounts/{id}/balance`, which accepts the service role on the public API too, so the old path
can still be measured): once through `bank_shared.http.ServiceClient` (boto3 → the local Lambda Invoke API
→ the ledger's warm worker), once with httpx through the gateway's HTTP API (JWT authorizer → the same
worker). Each client keeps its connection open, as a warm function does; samples alternate after a warm-up
so machine noise hits both alike. Locally both transports end in the same emulator, so the ratio compares
the two request paths' own costs (client, authorizer, event building); in AWS the invoke path also skips
API Gateway (and, for functions in a VPC, the way out to its public endpoint). The script also prints what
botocore itself costs per invoke (the same client with its HTTP send replaced by a canned answer), the part
of the invoke path that is the same in AWS.

    .local/venv/bin/python tests/benchmarks/service_calls.py [--iterations 300]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
from botocore.awsrequest import AWSResponse

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "shared"))
from bank_shared.direct_invoke import build_event
from bank_shared.http import LambdaInvoker, ServiceClient
from tests.support.bench import latency_summary
from tests.support.invoke import LOCAL_PREFIX, call
from tests.support.stack import bearer, gateway_url, mint_token, stack


def timed(request: Callable[[], int]) -> float:
    started = time.perf_counter()
    status = request()
    elapsed_ms = (time.perf_counter() - started) * 1000
    if status != 200:
        raise SystemExit(f"the call answered {status}")
    return elapsed_ms


def botocore_cost_ms(invoker: LambdaInvoker, calls: int = 300) -> float:
    """Milliseconds per `invoke` spent in botocore alone (building, signing, parsing): the invoker's own
    client with its HTTP send replaced by a canned answer."""
    client = invoker._client_for(30.0)
    body = json.dumps(build_event(caller="customer", service="ledger", function_name="bank-local-ledger",
                                  method="GET", path="/health")).encode()

    class Canned:
        def stream(self, *_args: object, **_kwargs: object) -> Iterator[bytes]:
            yield b'{"statusCode": 200}'

    session = client._endpoint.http_session
    original = session.send
    session.send = lambda request, **_kwargs: AWSResponse(request.url, 200, {"content-type": "application/json"},
                                                          Canned())
    try:
        started = time.perf_counter()
        for _ in range(calls):
            client.invoke(FunctionName="bank-local-ledger", InvocationType="RequestResponse", Payload=body)
        return (time.perf_counter() - started) * 1000 / calls
    finally:
        session.send = original


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--iterations", type=int, default=300)
    parser.add_argument("--warmup", type=int, default=20)
    args = parser.parse_args()
    account_id = str(uuid.uuid4())
    registered = call("ledger", "POST", "/internal/accounts", caller="accounts",
                      json={"account_id": account_id, "owner_id": str(uuid.uuid4()), "currency": "RUB"})
    if registered.status_code != 201:
        raise SystemExit(f"could not register an account in the ledger: {registered.status_code}")
    path = f"/accounts/{account_id}/balance"
    # The functions' own client (bank_shared.http's configuration), with the stack's dummy credentials.
    os.environ.setdefault("AWS_ACCESS_KEY_ID", "test")
    os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "test")
    invoker = LambdaInvoker("customer", LOCAL_PREFIX, endpoint_url=gateway_url(), region=str(stack()["aws_region"]))
    ledger = ServiceClient("ledger", retries=0, invoker=invoker)
    with httpx.Client(base_url=gateway_url(), timeout=30,
                      headers=bearer(mint_token("customer", roles=("service",), ttl=3600))) as http:
        paths: dict[str, Callable[[], int]] = {
            "direct invoke (ServiceClient)": lambda: ledger.get(path, timeout=30).status_code,
            "HTTP through the gateway": lambda: http.get(f"/api/ledger{path}").status_code,
        }
        for _ in range(args.warmup):
            for request in paths.values():
                timed(request)
        samples: dict[str, list[float]] = {name: [] for name in paths}
        for round_number in range(args.iterations):
            order = list(paths.items()) if round_number % 2 == 0 else list(reversed(paths.items()))
            for name, request in order:
                samples[name].append(timed(request))
    for name, values in samples.items():
        print(latency_summary(name, values, 34))
    invoke, old = (statistics.median(values) for values in samples.values())
    print(f"direct invoke / HTTP through the gateway (median): {invoke / old:.2f}x")
    print(f"of which botocore alone per invoke (no network):   {botocore_cost_ms(invoker):.2f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
