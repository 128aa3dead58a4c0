"""The load mix of `make load`: what the bank's customers and cashiers do, through the gateway users hit.

Each simulated customer is one of the customers `make load-seed` created (never the demo users), signs in
once, refreshes its session now and then, and mixes: the dashboard, history pages (cursor pagination),
its accounts, own transfers, P2P by phone and by account number to other load customers, quotes and
exchanges RUB→USD, utility payments and the inbox. Simulated cashiers top up the customers' accounts at
the office. Every money-moving POST carries an Idempotency-Key and is retried with the same key after a
409/429/5xx or a broken connection (honouring Retry-After), as the SPA does; each attempt is one request in
the statistics, and every attempt is also appended to `.local/load/requests.jsonl` (time, route, status,
attempt) for the fault table of `tests/load/run.py`.

Amounts are small (1-30 RUB) so balances last a run; a refusal the bank must give (422 insufficient funds)
is a success for the client, counted under its own status.
"""

from __future__ import annotations

import json
import os
import random
import threading
import time
import uuid
from itertools import count
from pathlib import Path
from typing import Any

from locust import HttpUser, between, events, task
from locust.clients import ResponseContextManager

USERS_FILE = Path(os.environ.get("LOAD_USERS_FILE", Path(__file__).resolve().parents[2] / ".local/load/users.json"))
REQUEST_LOG = Path(os.environ.get("LOAD_REQUEST_LOG", USERS_FILE.parent / "requests.jsonl"))
UTILITY_PROVIDER = "5b0f6a1e-0001-4c6e-9a51-000000000001"  # Мосэнергосбыт: 10-digit payer account
RETRY_STATUSES = {409, 429, 500, 502, 503, 504}
MAX_ATTEMPTS = 8
# Answers the bank must give to some well-formed requests (and the client handles): not errors.
EXPECTED_REFUSALS = {"insufficient_funds", "quote_expired"}

_pool = json.loads(USERS_FILE.read_text()) if USERS_FILE.is_file() else {"customers": [], "employees": []}
_next_customer = count()
_next_employee = count()
_log_lock = threading.Lock()
_log_file = None


@events.test_start.add_listener
def _open_log(**_kwargs: Any) -> None:
    global _log_file
    REQUEST_LOG.parent.mkdir(parents=True, exist_ok=True)
    _log_file = REQUEST_LOG.open("a", buffering=1)


@events.request.add_listener
def _record(request_type: str, name: str, response_time: float, response: Any = None, exception: Any = None,
            context: dict[str, Any] | None = None, **_kwargs: Any) -> None:
    status = getattr(response, "status_code", 0) if exception is None or response is not None else 0
    entry = {"t": round(time.time(), 3), "route": name, "status": status or 0, "ms": round(response_time, 1),
             "attempt": (context or {}).get("attempt", 1), "error": type(exception).__name__ if exception else None}
    with _log_lock:
        if _log_file is not None:
            _log_file.write(json.dumps(entry) + "\n")


def _problem_code(response: Any) -> str:
    try:
        return str(response.json().get("code", ""))
    except (ValueError, AttributeError):
        return ""


class BankUser(HttpUser):
    abstract = True
    wait_time = between(0.5, 2.0)
    person: dict[str, Any]
    access_token: str = ""
    refresh_token: str | None = None

    def _headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.access_token}"}

    def sign_in(self) -> None:
        with self.client.post("/api/auth/login", json={"email": self.person["email"],
                                                        "password": self.person["password"]},
                              name="POST /api/auth/login", catch_response=True) as response:
            if response.status_code != 200:
                response.failure(f"login {response.status_code}")
                return
            answer = response.json()
            self.access_token, self.refresh_token = answer["access_token"], response.cookies.get("bank_refresh")

    def get(self, path: str, name: str) -> Any:
        with self.client.get(path, headers=self._headers(), name=name, catch_response=True) as response:
            self._judge(response)
            if response.status_code == 401:  # the short-lived access token expired: sign in again, as the SPA
                self.sign_in()
            return response.json() if response.status_code == 200 else None

    def money(self, path: str, body: dict[str, Any], name: str) -> Any:
        """POST with one Idempotency-Key, retried with the same key like the SPA; the final answer's body."""
        key = str(uuid.uuid4())
        for attempt in range(1, MAX_ATTEMPTS + 1):
            with self.client.post(path, json=body, headers={**self._headers(), "Idempotency-Key": key}, name=name,
                                  catch_response=True, context={"attempt": attempt}) as response:
                self._judge(response)
                status = response.status_code
                if status == 401:
                    self.sign_in()
                elif status not in RETRY_STATUSES and status != 0:
                    return response.json() if status < 300 else None
            if attempt < MAX_ATTEMPTS:
                time.sleep(min(8.0, float(response.headers.get("Retry-After") or 0) or 0.5 * 2 ** (attempt - 1)))
        return None

    def _judge(self, response: ResponseContextManager) -> None:
        status = response.status_code
        if 200 <= status < 300 or (status == 422 and _problem_code(response) in EXPECTED_REFUSALS):
            response.success()
        else:
            response.failure(f"{status} {_problem_code(response)}".strip())


class Customer(BankUser):
    weight = 10

    def on_start(self) -> None:
        customers = _pool["customers"]
        self.person = customers[next(_next_customer) % len(customers)]
        self.accounts = self.person["accounts"]
        self.others = [c for c in customers if c["id"] != self.person["id"]] or customers
        self.sign_in()

    @task(6)
    def dashboard(self) -> None:
        self.get("/api/customer/dashboard", "GET /api/customer/dashboard")

    @task(3)
    def history(self) -> None:
        page = self.get("/api/ledger/transactions?limit=20", "GET /api/ledger/transactions")
        cursor = (page or {}).get("next_cursor")
        if cursor:
            self.get(f"/api/ledger/transactions?limit=20&cursor={cursor}", "GET /api/ledger/transactions (next)")

    @task(2)
    def my_accounts(self) -> None:
        self.get("/api/accounts/my", "GET /api/accounts/my")

    @task(1)
    def inbox(self) -> None:
        self.get("/api/notifications/inbox?limit=20", "GET /api/notifications/inbox")

    @task(2)
    def own_transfer(self) -> None:
        self.money("/api/ledger/transfer", {
            "from_account_id": self.accounts["main"]["id"], "to_account_id": self.accounts["savings"]["id"],
            "amount": f"{random.randint(1, 30)}.00", "currency": "RUB", "description": "to savings"},
            "POST /api/ledger/transfer (own)")

    @task(3)
    def p2p_by_phone(self) -> None:
        other = random.choice(self.others)
        self.money("/api/customer/transfer", {
            "from_account_id": self.accounts["main"]["id"], "to_phone": other["phone"],
            "amount": f"{random.randint(1, 20)}.00", "currency": "RUB", "description": "p2p"},
            "POST /api/customer/transfer (phone)")

    @task(3)
    def p2p_by_account(self) -> None:
        other = random.choice(self.others)
        self.money("/api/customer/transfer", {
            "from_account_id": self.accounts["main"]["id"], "to_account_number": other["accounts"]["main"]["number"],
            "amount": f"{random.randint(1, 20)}.00", "currency": "RUB"},
            "POST /api/customer/transfer (account)")

    @task(2)
    def quote_and_exchange(self) -> None:
        quote = self.money("/api/fx/quotes", {
            "from_account_id": self.accounts["main"]["id"], "to_account_id": self.accounts["usd"]["id"],
            "amount": f"{random.randint(50, 150)}.00", "currency": "RUB"}, "POST /api/fx/quotes")
        if quote and "id" in quote:
            self.money("/api/fx/exchange", {"quote_id": quote["id"]}, "POST /api/fx/exchange")

    @task(2)
    def utility_payment(self) -> None:
        self.money("/api/customer/utilities/pay", {
            "provider_id": UTILITY_PROVIDER, "payer_account": f"{random.randrange(10**9, 10**10)}",
            "from_account_id": self.accounts["main"]["id"], "amount": f"{random.randint(1, 30)}.00",
            "currency": "RUB"}, "POST /api/customer/utilities/pay")

    @task(1)
    def refresh(self) -> None:
        if not self.refresh_token:
            return
        with self.client.post("/api/auth/refresh", json={"refresh_token": self.refresh_token},
                              name="POST /api/auth/refresh", catch_response=True) as response:
            self._judge(response)
            if response.status_code == 200:
                answer = response.json()
                self.access_token, self.refresh_token = answer["access_token"], response.cookies.get("bank_refresh")
            elif response.status_code in (400, 401):
                self.sign_in()


class Cashier(BankUser):
    weight = 1
    fixed_count = 1

    def on_start(self) -> None:
        employees = _pool["employees"]
        self.person = employees[next(_next_employee) % len(employees)]
        self.sign_in()

    @task
    def office_topup(self) -> None:
        customer = random.choice(_pool["customers"])
        account = customer["accounts"]["main"]["id"]
        self.money(f"/api/office/accounts/{account}/topup",
                   {"amount": f"{random.randint(100, 500)}.00", "currency": "RUB", "description": "cash deposit"},
                   "POST /api/office/accounts/{id}/topup")
