"""Every operation of every service's OpenAPI document, fuzzed through the local API gateway.

Schemathesis generates requests from `api_spec/<service>.openapi.json` (valid and invalid ones: the
examples, boundary values, then Hypothesis's generation) and checks each answer: no 5xx, a documented
status code, the documented content type (problem+json for errors), the documented headers and the
documented body schema. Each service is fuzzed by fresh real users (customers and one employee created
for this run, never the demo users), rotated per request so one user's rate limit does not turn the run
into 429s; a 403 for the customer is retried as the employee so staff routes are reached too. Money routes
are fuzzed like the rest: the generated account ids are random, so only these users' own (empty) test
accounts could ever be touched.

Bounded and deterministic: `FUZZ_MAX_EXAMPLES` examples per operation (default 12), derandomized
Hypothesis (the same inputs every run), no example database.
"""

from __future__ import annotations

import itertools
import os
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.support.services import SERVICES
from tests.support.stack import REPO_ROOT, gateway_url
from tests.support.users import StackUser, create_users, session_headers

MAX_EXAMPLES = int(os.environ.get("FUZZ_MAX_EXAMPLES", "12"))
CUSTOMERS_PER_SERVICE = 4
# The schema's own examples, then Hypothesis's generation (valid and invalid inputs); the coverage phase's
# exhaustive boundary combinations would multiply the run time without finding other classes of bugs.
CONFIG = schemathesis.Config.from_dict({
    "phases": {"coverage": {"enabled": False}},
    "generation": {"max-examples": MAX_EXAMPLES, "deterministic": True, "mode": "all"},
})
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_headers_conformance,
          response_schema_conformance]


class Identities:
    """Fresh customers (rotated per request) and a fresh employee for one service, signed in lazily."""

    def __init__(self, tag: str) -> None:
        self.tag = tag
        self._lock = threading.Lock()
        self._customers: Iterator[dict[str, str]] | None = None
        self._employee: dict[str, str] | None = None

    def _sign_in(self, users: list[StackUser]) -> list[dict[str, str]]:
        with httpx.Client(base_url=gateway_url(), timeout=30) as http:
            return [session_headers(http, user) for user in users]

    def customer(self) -> dict[str, str]:
        with self._lock:
            if self._customers is None:
                users = create_users(CUSTOMERS_PER_SERVICE, ("customer",), f"fuzz-{self.tag}")
                self._customers = itertools.cycle(self._sign_in(users))
            return next(self._customers)

    def employee(self) -> dict[str, str]:
        with self._lock:
            if self._employee is None:
                self._employee = self._sign_in(create_users(1, ("employee",), f"fuzz-{self.tag}-staff"))[0]
            return self._employee


_identities: dict[str, Identities] = {}
WARM_UP_SECONDS = 180.0


@pytest.fixture(scope="session", autouse=True)
def warm_functions() -> None:
    """Every function answers its health check before fuzzing starts: on a loaded machine a cold worker can
    take longer than a service's downstream timeout, and its 503 would say nothing about the API."""
    deadline = time.monotonic() + WARM_UP_SECONDS
    with httpx.Client(base_url=gateway_url(), timeout=60) as http:
        for service in SERVICES:
            while http.get(f"/api/{service}/health").status_code != 200:
                if time.monotonic() > deadline:
                    pytest.fail(f"{service} did not become healthy within {WARM_UP_SECONDS:.0f} s")
                time.sleep(2)


def identities(service: str) -> Identities:
    return _identities.setdefault(service, Identities(service))


def fuzz(case: Any, service: str) -> None:
    people = identities(service)
    response = case.call(base_url=gateway_url(), headers=people.customer(), timeout=30)
    if response.status_code == 403:
        response = case.call(base_url=gateway_url(), headers=people.employee(), timeout=30)
    case.validate_response(response, checks=CHECKS)


def _service_test(service: str) -> Callable[..., None]:
    schema = schemathesis.openapi.from_path(REPO_ROOT / "api_spec" / f"{service}.openapi.json", config=CONFIG)

    @pytest.mark.timeout(600)
    @schema.parametrize()
    @settings(max_examples=MAX_EXAMPLES, derandomize=True, deadline=None, database=None,
              suppress_health_check=list(HealthCheck))
    def test(case: Any) -> None:
        fuzz(case, service)

    test.__name__ = f"test_fuzz_{service}"
    return test


for _service in SERVICES:
    globals()[f"test_fuzz_{_service}"] = _service_test(_service)
