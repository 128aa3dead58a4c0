"""Submit one transfer through `service.submit_transfer` in its own process (the combiner fault test kills it
while it leads a batch).

Usage: python -m tests.integration.ledger.combiner_worker <url> <owner> <from> <to> <amount> <key>
"""

from __future__ import annotations

import sys
from uuid import UUID

from bank_shared.db import connect
from bank_shared.events import outbox
from ledger_service import service
from tests.integration.ledger.support import customer


def main(url: str, owner: str, source: str, target: str, amount: str, key: str) -> None:
    outbox.relay_after_commit = lambda _connection: None  # type: ignore[assignment]
    connection = connect(url)
    print(f"PID {connection.info.backend_pid}", flush=True)
    result = service.submit_transfer(connection, customer(UUID(owner)), key, UUID(source), UUID(target),
                                     int(amount), "RUB")
    print(f"DONE {result.status}", flush=True)


if __name__ == "__main__":
    main(*sys.argv[1:7])
