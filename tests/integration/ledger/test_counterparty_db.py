"""The counterparty of each operation (docs/money.md#counterparty) against the stack's real ledger database:
`ledger_transfer_apply` stores each side's counterparty with the transaction, a cash deposit names the cash desk,
the history reads each account's own side, and `q` searches it with ILIKE whose wildcards are escaped."""

from __future__ import annotations

import uuid
from typing import Any
from uuid import UUID

from bank_shared.db import Connection, UnitOfWork
from ledger_service import history, service
from ledger_service.postings import sides
from tests.integration.ledger.support import SERVICE, customer, open_account

OLGA = {"kind": "person", "name": "Ольга Л."}
IVAN = {"kind": "person", "name": "Иван И."}


def feed(connection: Connection, owner: UUID, query: str | None = None) -> list[dict[str, Any]]:
    with UnitOfWork(connection) as uow:
        items, _ = history.list_transactions(uow, customer(owner), None, None, None, None, None, 20, query)
    return items


def test_each_side_reads_its_own_counterparty_and_finds_it_by_search(connection: Connection) -> None:
    sender, recipient = uuid.uuid4(), uuid.uuid4()
    source, target = open_account(connection, sender), open_account(connection, recipient)
    with UnitOfWork(connection) as uow:
        assert service.topup(uow, SERVICE, str(uuid.uuid4()), source, 10_000, "RUB",
                             description="cash").status == 201
    done = service.submit_transfer(connection, customer(sender), str(uuid.uuid4()), source, target, 2_500, "RUB",
                                   "Подарок 100%", sides((source, OLGA), (target, IVAN)))
    assert done.status == 201, done.body
    operation = done.body["transaction_id"]

    sent, deposit = feed(connection, sender)
    assert (sent["transaction_id"], sent["counterparty"]) == (operation, OLGA)
    assert deposit["counterparty"] == {"kind": "cash_desk"}
    [received] = feed(connection, recipient)
    assert received["counterparty"] == IVAN

    assert [i["transaction_id"] for i in feed(connection, recipient, "иВаН")] == [operation]  # case-insensitive
    assert [i["transaction_id"] for i in feed(connection, sender, "ольга")] == [operation]
    assert feed(connection, recipient, "Ольга") == []  # the other side's view is not searched
    assert [i["transaction_id"] for i in feed(connection, sender, "%")] == [operation]  # bug: "%" matches all
    assert feed(connection, sender, "_") == [] and feed(connection, sender, "\\") == []
    with UnitOfWork(connection) as uow:
        view = service.get_transaction(uow, UUID(operation))
    assert view["counterparties"] == {str(source): OLGA, str(target): IVAN}
