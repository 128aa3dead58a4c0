"""Run one transfer in its own process and stop before commit, so the test can SIGKILL it mid-transfer.

Usage: python -m tests.integration.ledger.fault_worker <url> <owner> <from> <to> <amount> <key>
"""

from __future__ import annotations

import sys
import time
from uuid import UUID

from bank_shared.db import UnitOfWork, connect
from bank_shared.events import outbox
from ledger_service.repository import LedgerRepository
from ledger_service.transfers import transfer_order, transfer_result
from tests.integration.ledger.support import customer


def main(url: str, owner: str, source: str, target: str, amount: str, key: str) -> None:
    outbox.relay_after_commit = lambda _connection: None  # type: ignore[assignment]
    connection = connect(url)
    with UnitOfWork(connection) as uow:
        # The statement submit_transfer sends, inside a unit of work the worker keeps open until it is killed.
        order = transfer_order(customer(UUID(owner)), key, UUID(source), UUID(target), int(amount), "RUB", "")
        result = transfer_result(order, LedgerRepository(uow.connection).apply_transfer(order, True))
        print(f"APPLIED {result.status}", flush=True)  # postings, balances, key and event written, not committed
        time.sleep(120)


if __name__ == "__main__":
    main(*sys.argv[1:7])
