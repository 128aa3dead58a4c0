"""`make load-seed`: the load test's own customers and employees (never the demo users).

Creates N active customers and a few employees (tests/support/users.py: auth's repository and password
hashing), then does what a new customer and a cashier would do, through the gateway: each customer signs
in and opens a RUB current account, a second RUB account and a USD account; an employee tops up each
customer's first RUB account at the office cash desk. Writes `.local/load/users.json` for the locustfile.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[2]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

import httpx  # noqa: E402

from tests.support.stack import gateway_url  # noqa: E402
from tests.support.users import StackUser, create_users, session_headers  # noqa: E402

LOAD_DIR = REPO / ".local" / "load"
USERS_FILE = LOAD_DIR / "users.json"
ACCOUNTS = (("main", "RUB"), ("savings", "RUB"), ("usd", "USD"))
OPENING_TOPUP = "20000.00"


def _post(http: httpx.Client, path: str, headers: dict[str, str], body: dict[str, Any]) -> dict[str, Any]:
    """A money-moving POST with one Idempotency-Key, retried with the same key on 409/429/5xx."""
    key = str(uuid.uuid4())
    for attempt in range(8):
        response = http.post(path, headers={**headers, "Idempotency-Key": key}, json=body)
        if response.status_code < 400:
            answer: dict[str, Any] = response.json()
            return answer
        if response.status_code not in (409, 429) and response.status_code < 500:
            raise RuntimeError(f"{path} answered {response.status_code}: {response.text}")
        time.sleep(float(response.headers.get("Retry-After", 1)) * (1 + attempt / 2))
    raise RuntimeError(f"{path} kept failing: {response.status_code} {response.text}")


def open_accounts(customer: StackUser) -> dict[str, Any]:
    with httpx.Client(base_url=gateway_url(), timeout=60) as http:
        headers = session_headers(http, customer)
        accounts = {}
        for name, currency in ACCOUNTS:
            opened = _post(http, "/api/accounts/open", headers, {"currency": currency})
            accounts[name] = {"id": opened["id"], "number": opened["number"], "currency": currency}
    return {**customer.to_json(), "accounts": accounts}


def top_up(employee: StackUser, customers: list[dict[str, Any]]) -> None:
    with httpx.Client(base_url=gateway_url(), timeout=60) as http:
        headers = session_headers(http, employee)
        for customer in customers:
            account = customer["accounts"]["main"]["id"]
            _post(http, f"/api/office/accounts/{account}/topup", headers,
                  {"amount": OPENING_TOPUP, "currency": "RUB", "description": "load test opening deposit"})


def seed(customers: int, employees: int) -> dict[str, Any]:
    started = time.monotonic()
    people = create_users(customers, ("customer",), "load")
    staff = create_users(employees, ("employee",), "load-staff")
    print(f"load-seed: {customers} customers and {employees} employees created in auth "
          f"({time.monotonic() - started:.1f} s)", flush=True)
    with ThreadPoolExecutor(max_workers=2) as pool:
        seeded = list(pool.map(open_accounts, people))
    print(f"load-seed: {len(seeded) * len(ACCOUNTS)} accounts opened ({time.monotonic() - started:.1f} s)",
          flush=True)
    shares = [seeded[i::employees] for i in range(employees)]
    with ThreadPoolExecutor(max_workers=employees) as pool:
        list(pool.map(top_up, staff, shares))
    print(f"load-seed: {len(seeded)} opening deposits of {OPENING_TOPUP} RUB "
          f"({time.monotonic() - started:.1f} s)", flush=True)
    document = {"gateway_url": gateway_url(), "customers": seeded, "employees": [e.to_json() for e in staff]}
    LOAD_DIR.mkdir(parents=True, exist_ok=True)
    USERS_FILE.write_text(json.dumps(document, indent=1))
    USERS_FILE.chmod(0o600)
    return document


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--customers", type=int, default=20)
    parser.add_argument("--employees", type=int, default=2)
    args = parser.parse_args(argv)
    seed(args.customers, args.employees)
    print(f"load-seed: wrote {USERS_FILE.relative_to(REPO)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
