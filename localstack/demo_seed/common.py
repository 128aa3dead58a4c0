"""What every demo seed needs: the launcher's stack file, the demo users, and the demo customer's id.

Seeds run after `make up` started the gateway, but a cold worker or a busy machine can make the first sign-in
slow, or a first call to another service time out: the customer id is asked for, and each idempotent step is
retried (`until_ready`), until a deadline; a seed that still cannot do its work fails (exit code 1) so `make up`
says so instead of leaving a bank without demo money.
"""

from __future__ import annotations

import json
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar
from uuid import UUID

import httpx

T = TypeVar("T")
REPO_ROOT = Path(__file__).resolve().parents[2]
LOGIN_DEADLINE_SECONDS = 120.0
RETRY_PAUSE_SECONDS = 2.0


class SeedError(RuntimeError):
    """The seed cannot do its work (printed by the runner; `make up` fails)."""


def local_stack() -> dict[str, Any]:
    stack_file = Path(os.environ.get("BANK_STACK_FILE", REPO_ROOT / ".local" / "stack.json"))
    found: dict[str, Any] = json.loads(stack_file.read_text()) if stack_file.is_file() else {}
    return found


def demo_users() -> dict[str, dict[str, str]]:
    users: dict[str, dict[str, str]] = local_stack().get("demo_users", {})
    if not users:
        users = json.loads((REPO_ROOT / ".local" / "secrets.json").read_text())["demo_users"]
    return users


def _ask_who(base: str, user: dict[str, str]) -> UUID:
    login = httpx.post(f"{base}/api/auth/login", json={"email": user["email"], "password": user["password"]},
                       timeout=15)
    login.raise_for_status()
    me = httpx.get(f"{base}/api/auth/me", headers={"Authorization": f"Bearer {login.json()['access_token']}"},
                   timeout=15)
    me.raise_for_status()
    return UUID(me.json()["id"])


def _retried(step: Callable[[], T], what: str, transient: tuple[type[Exception], ...],
             deadline_seconds: float, clock: Callable[[], float]) -> T:
    """`step` again every RETRY_PAUSE_SECONDS while it fails with one of the `transient` errors, until the
    deadline; then SeedError naming `what` and the last error."""
    give_up = clock() + deadline_seconds
    while True:
        try:
            return step()
        except transient as error:
            if clock() >= give_up:
                raise SeedError(f"{what} did not succeed within {deadline_seconds:.0f}s "
                                f"({type(error).__name__}: {error})") from error
            print(f"  {what}: {error}; retrying", flush=True)
            time.sleep(RETRY_PAUSE_SECONDS)


def demo_customer_id(deadline_seconds: float = LOGIN_DEADLINE_SECONDS,
                     clock: Callable[[], float] = time.monotonic) -> UUID:
    """Sign in as the demo customer through the gateway and ask auth who that is (no service reads another's
    database); retried until the deadline while the gateway or auth is not ready."""
    base = str(local_stack().get("gateway_url", "http://127.0.0.1:3000"))
    return _retried(lambda: _ask_who(base, demo_users()["customer"]), "the demo customer's sign-in",
                    (httpx.HTTPError, KeyError, ValueError), deadline_seconds, clock)


def until_ready(step: Callable[[], T], what: str, deadline_seconds: float = LOGIN_DEADLINE_SECONDS,
                clock: Callable[[], float] = time.monotonic) -> T:
    """`step` (idempotent: it runs under its own Idempotency-Key) retried while a service it calls is not ready
    (503 `dependency_unavailable`: a cold worker that timed out on a busy machine)."""
    from bank_shared.errors import DependencyUnavailable

    return _retried(step, what, (DependencyUnavailable,), deadline_seconds, clock)


def run(main: Callable[[], int], service: str) -> int:
    """A seed's exit code: SeedError becomes one line and exit code 1 (no traceback for a known failure)."""
    try:
        return main()
    except SeedError as error:
        print(f"  {service} seed failed: {error}", file=sys.stderr, flush=True)
        return 1
