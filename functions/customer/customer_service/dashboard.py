"""The customer dashboard: one answer assembled from auth, accounts (with ledger balances), the ledger and
notifications.

The parts are fetched concurrently (a small thread pool per execution environment; each task runs in a
copy of the request's context so the X-Request-Id is forwarded) and the whole assembly is bounded by a
deadline. A part that fails or is late is left empty and named in `missing`, so the cabinet can say what
it could not show instead of showing nothing:

| part           | from                                             | missing names         |
|----------------|--------------------------------------------------|-----------------------|
| profile        | auth `GET /internal/users/{id}`                   | profile               |
| accounts+cards | accounts `GET /internal/accounts?owner_id=…`      | accounts, cards       |
| balances       | (inside accounts, from the ledger)               | balances              |
| transactions   | ledger `GET /internal/transactions?owner_id=…`   | transactions          |
| unread count   | notifications `GET /internal/unread-count?user_id=…` | notifications     |

A missing unread count is `null` (unknown), never 0.
"""

from __future__ import annotations

import contextvars
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor, wait
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from bank_shared.observability import logger
from customer_service.clients import Services

_executor = ThreadPoolExecutor(max_workers=4, thread_name_prefix="dashboard")
PROFILE_FIELDS = ("id", "email", "full_name", "phone")


@dataclass(frozen=True)
class DashboardLimits:
    part_timeout: float
    deadline: float
    recent_transactions: int


def _submit(task: Callable[[], Any]) -> Future[Any]:
    context = contextvars.copy_context()
    return _executor.submit(context.run, task)


def _collect(futures: dict[str, Future[Any]], deadline: float) -> tuple[dict[str, Any], list[str]]:
    """Results of the parts that succeeded in time, and the names of those that did not."""
    wait(futures.values(), timeout=deadline)
    results: dict[str, Any] = {}
    failed: list[str] = []
    for name, future in futures.items():
        if not future.done():
            future.cancel()
            logger.warning("dashboard part late", extra={"part": name})
            failed.append(name)
            continue
        error = future.exception()
        if error is not None:
            logger.warning("dashboard part failed", extra={"part": name, "error": f"{type(error).__name__}: {error}"})
            failed.append(name)
            continue
        results[name] = future.result()
    return results, failed


def _split_cards(accounts: list[dict[str, Any]]) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    plain: list[dict[str, Any]] = []
    cards: list[dict[str, Any]] = []
    for account in accounts:
        cards.extend(account.get("cards") or [])
        plain.append({key: value for key, value in account.items() if key != "cards"})
    return plain, cards


def build_dashboard(services: Services, user_id: UUID, limits: DashboardLimits) -> dict[str, Any]:
    timeout = limits.part_timeout
    futures = {
        "profile": _submit(lambda: services.profile(user_id, timeout)),
        "accounts": _submit(lambda: services.accounts(timeout, owner_id=user_id, include=("balances", "cards"))),
        "transactions": _submit(lambda: services.recent_transactions(user_id, limits.recent_transactions, timeout)),
        "notifications": _submit(lambda: services.unread_notifications(user_id, timeout)),
    }
    results, failed = _collect(futures, limits.deadline)
    missing: list[str] = [name for name in ("profile", "accounts", "transactions") if name in failed]
    if "accounts" in failed:
        missing.insert(missing.index("accounts") + 1, "cards")
    accounts, cards = _split_cards(results.get("accounts", []))
    if any(account.get("balance") is None for account in accounts):
        missing.append("balances")
    if "notifications" in failed:
        missing.append("notifications")
    profile = results.get("profile")
    return {
        "profile": {key: profile.get(key) for key in PROFILE_FIELDS} if profile else None,
        "accounts": accounts,
        "cards": cards,
        "recent_transactions": results.get("transactions", []),
        "unread_notifications": results.get("notifications"),
        "missing": missing,
    }
