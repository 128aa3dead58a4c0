"""No network call while a database transaction is open (docs/architecture.md, "one owner of the transaction").

A call to another service, SES, S3, KMS or a push service made inside a transaction holds row locks and a
pooled connection for as long as the other side takes, and ties the commit to a remote effect it cannot undo.
`UnitOfWork` marks the transaction open; every boto3 client the shared layer creates and every outgoing HTTP
call of the services asks `network_call` first. Locally (tests, the local stack) a violation raises at once,
so any path the suites exercise proves the rule; in AWS it is logged and counted (`NetworkCallInTransaction`)
rather than failing a customer's request for a rule the tests should have caught.

There are no exceptions: configuration the use case needs (a secret such as the one-time link key, fx's
treasury rates) is read before its transaction opens and handed in. The cached readers (`aws.secret_json`,
fx's `treasury_table`) ask `network_call` on every read, served from their cache or not, so a read placed
inside a transaction fails every time, not only when the cache happens to be cold.
"""

from __future__ import annotations

from contextvars import ContextVar
from typing import Any

_open_transactions: ContextVar[int] = ContextVar("open_transactions", default=0)


class NetworkCallInTransaction(RuntimeError):
    """A network call was made while this execution context had a database transaction open."""


def transaction_opened() -> None:
    _open_transactions.set(_open_transactions.get() + 1)


def transaction_closed() -> None:
    _open_transactions.set(max(0, _open_transactions.get() - 1))


def in_transaction() -> bool:
    return _open_transactions.get() > 0


def network_call(target: str) -> None:
    """Called before every outgoing network call; `target` names it for the error and the log."""
    if not in_transaction():
        return
    from bank_shared.observability import count, logger
    from bank_shared.settings import get_settings

    message = f"network call to {target} while a database transaction is open"
    if get_settings().is_local:
        raise NetworkCallInTransaction(message)
    logger.error(message, extra={"target": target})
    count("NetworkCallInTransaction")


def guard_boto_client(boto_client: Any) -> Any:
    """Ask `network_call` before every request this boto3 client sends (retries included)."""
    service = boto_client.meta.service_model.service_name

    def before_send(**_: Any) -> None:
        network_call(f"aws:{service}")

    boto_client.meta.events.register_first("before-send", before_send)  # ahead of moto's stubber in unit tests
    return boto_client
