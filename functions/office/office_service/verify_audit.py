"""Verify the back office's hash chain (migration 0003): `python -m office_service.verify_audit`.

Run with the office function's environment (its database), as `make audit-office` does. Recomputes every
chain entry's hash from its predecessor, then checks that each audit_log and money_requests row is exactly
its last chained snapshot and that every chained row still exists. Prints one line per problem and a summary;
exits 0 when the chain verifies, 1 otherwise. Reads only, in one repeatable-read transaction.
"""

from __future__ import annotations

import hashlib
import sys
from dataclasses import dataclass, field

from bank_shared.db import Connection, connect

GENESIS = "0" * 64
TABLES = ("audit_log", "money_requests")
BATCH = 1000


@dataclass
class Report:
    entries: int = 0
    rows: int = 0
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def chain_hash(previous: str, table: str, snapshot: str) -> str:
    return hashlib.sha256(f"{previous}|{table}|{snapshot}".encode()).hexdigest()


def _walk_chain(connection: Connection, report: Report) -> dict[tuple[str, str], str]:
    """Every entry's hash recomputed in order; the last snapshot of each row."""
    latest: dict[tuple[str, str], str] = {}
    previous, after = GENESIS, 0
    while rows := connection.execute(
        "SELECT seq, table_name, row_id::text AS row_id, snapshot, prev_hash, hash FROM audit_chain "
        "WHERE seq > %s ORDER BY seq LIMIT %s", (after, BATCH)
    ).fetchall():
        for row in rows:
            report.entries += 1
            if row["prev_hash"] != previous:
                report.problems.append(f"chain entry {row['seq']}: does not follow the entry before it")
            if row["hash"] != chain_hash(row["prev_hash"], row["table_name"], row["snapshot"]):
                report.problems.append(f"chain entry {row['seq']}: its hash does not match its content")
            previous = row["hash"]
            latest[(row["table_name"], row["row_id"])] = row["snapshot"]
        after = rows[-1]["seq"]
    return latest


def _compare_rows(connection: Connection, latest: dict[tuple[str, str], str], report: Report) -> None:
    for table in TABLES:  # a constant of this module, never input
        for row in connection.execute(f"SELECT id::text AS id, to_jsonb(t)::text AS snapshot FROM {table} t"):
            report.rows += 1
            chained = latest.pop((table, row["id"]), None)
            if chained is None:
                report.problems.append(f"{table} {row['id']}: not in the chain")
            elif chained != row["snapshot"]:
                report.problems.append(f"{table} {row['id']}: differs from its last chained state (edited)")
    for table, row_id in sorted(latest):
        report.problems.append(f"{table} {row_id}: chained but missing (deleted)")


def verify(connection: Connection) -> Report:
    """Verify within the connection's current transaction (the caller's snapshot), changing nothing."""
    connection.execute("SET LOCAL TimeZone = 'UTC'")  # the zone the snapshots were rendered in
    report = Report()
    _compare_rows(connection, _walk_chain(connection, report), report)
    return report


def main() -> int:
    with connect() as connection, connection.transaction():
        connection.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        report = verify(connection)
    for problem in report.problems:
        print(f"verify_audit: {problem}", flush=True)
    print(f"verify_audit: {report.entries} chain entries, {report.rows} rows: "
          f"{'the chain verifies' if report.ok else f'{len(report.problems)} problem(s)'}", flush=True)
    return 0 if report.ok else 1


if __name__ == "__main__":
    sys.exit(main())
