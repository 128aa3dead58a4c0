"""`make audit-ledger`: reconcile the ledger (and what notifications received from it), per currency.

Reads the ledger's and the notifications' databases directly with the stack's admin credentials
(`.local/stack.json`), in read-only REPEATABLE READ transactions (one consistent snapshot of the ledger),
and checks:

  postings sum to zero            every posting of a currency adds up to 0
  balances sum to zero            customer + system balances of a currency add up to 0 (money is only
                                  created by issuance, posted against the issuance account)
  balance equals its postings     every account's balance is the sum of its postings
  held equals pending holds       every account's held amount is the sum of its pending holds
  no balance below its limit      balance and balance - held >= -overdraft_limit (unless a contra account)
  transactions balanced           every ledger transaction sums to 0 per currency and has >= 2 postings
  key applied at most once        no two Idempotency-Keys' stored answers name the same ledger transaction
  key's effect exists             every stored 2xx answer that names a transaction names an existing one
  one event per transaction       every issuance/top-up/transfer/capture/interest/reversal has one payment.executed
                                  and every payment.executed names an existing transaction
  payment.executed relayed        no payment.executed outbox row left unpublished            (eventual)
  inbox received each event once  notifications processed every relayed payment.executed, and no inbox
                                  entry exists twice                                          (eventual)

The eventual checks are repeated for up to `--settle` seconds (relays and consumers run after commit and
on a one-minute sweep), then reported. Events older than `--window-hours` are not compared across the two
databases, because relayed outbox rows and processed-event rows are pruned after their retention window.
Prints a table; exits 1 when any check finds a break.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[2]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

import psycopg  # noqa: E402
from psycopg.rows import dict_row  # noqa: E402

from tests.support.stack import stack  # noqa: E402

EVENTED_KINDS = ("issuance", "topup", "transfer", "hold_capture", "interest", "reversal")
NOTIFICATIONS_CONSUMER = "notifications"
ALL = "*"  # a check row that is not about one currency


@dataclass(frozen=True)
class Finding:
    check: str
    currency: str
    checked: int
    breaks: int
    example: str = ""


def admin_url(database: str, schema: str | None = None) -> str:
    pg = stack()["postgres"]
    options = "-c default_transaction_read_only=on"
    if schema:
        options += f" -c search_path={schema}"
    return psycopg.conninfo.make_conninfo(host=pg["host"], port=pg["port"], user=pg["admin_user"],
                                          password=pg["admin_password"], dbname=database, options=options,
                                          application_name="audit-ledger", connect_timeout=10)


@contextmanager
def snapshot(url: str) -> Iterator[psycopg.Connection[dict[str, Any]]]:
    with psycopg.connect(url, row_factory=dict_row, autocommit=True) as connection:
        connection.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
        try:
            yield connection
        finally:
            connection.execute("ROLLBACK")


def _per_currency(rows: list[dict[str, Any]], check: str) -> list[Finding]:
    return [Finding(check, str(row["currency"]).strip(), int(row["checked"]), int(row["breaks"]),
                    str(row.get("example") or "")) for row in rows]


# --------------------------------------------------------------------------- ledger (one snapshot)

LEDGER_CHECKS: dict[str, str] = {
    "postings sum to zero": """
        SELECT currency, count(*) AS checked, (sum(amount) <> 0)::int AS breaks,
               CASE WHEN sum(amount) <> 0 THEN 'sum ' || sum(amount) END AS example
          FROM postings GROUP BY currency""",
    "balances sum to zero": """
        SELECT currency, count(*) AS checked, (sum(balance) <> 0)::int AS breaks,
               CASE WHEN sum(balance) <> 0 THEN 'sum ' || sum(balance) END AS example
          FROM ledger_accounts GROUP BY currency""",
    "balance equals its postings": """
        SELECT a.currency, count(*) AS checked,
               count(*) FILTER (WHERE a.balance <> coalesce(p.total, 0)) AS breaks,
               min(a.id::text) FILTER (WHERE a.balance <> coalesce(p.total, 0)) AS example
          FROM ledger_accounts a
          LEFT JOIN (SELECT account_id, sum(amount) AS total FROM postings GROUP BY account_id) p
                 ON p.account_id = a.id
         GROUP BY a.currency""",
    "held equals pending holds": """
        SELECT a.currency, count(*) AS checked,
               count(*) FILTER (WHERE a.held <> coalesce(h.total, 0)) AS breaks,
               min(a.id::text) FILTER (WHERE a.held <> coalesce(h.total, 0)) AS example
          FROM ledger_accounts a
          LEFT JOIN (SELECT account_id, sum(amount) AS total FROM holds WHERE status = 'pending'
                      GROUP BY account_id) h ON h.account_id = a.id
         GROUP BY a.currency""",
    "no balance below its limit": """
        SELECT currency, count(*) AS checked,
               count(*) FILTER (WHERE NOT allow_negative AND (balance < -overdraft_limit
                                                             OR balance - held < -overdraft_limit)) AS breaks,
               min(id::text) FILTER (WHERE NOT allow_negative AND (balance < -overdraft_limit
                                                                   OR balance - held < -overdraft_limit))
                   AS example
          FROM ledger_accounts GROUP BY currency""",
    "transactions balanced": """
        WITH legs AS (SELECT transaction_id, currency, sum(amount) AS total, count(*) AS n
                        FROM postings GROUP BY transaction_id, currency),
             per_tx AS (SELECT transaction_id, sum(n) AS n FROM legs GROUP BY transaction_id)
        SELECT l.currency, count(*) AS checked,
               count(*) FILTER (WHERE l.total <> 0 OR t.n < 2) AS breaks,
               min(l.transaction_id::text) FILTER (WHERE l.total <> 0 OR t.n < 2) AS example
          FROM legs l JOIN per_tx t USING (transaction_id)
         GROUP BY l.currency""",
    "key applied at most once": """
        WITH named AS (SELECT (response_body->>'transaction_id')::uuid AS tx, count(*) AS keys
                         FROM idempotency_keys
                        WHERE response_status BETWEEN 200 AND 299
                          AND response_body->>'transaction_id' IS NOT NULL
                        GROUP BY 1),
             tx_currency AS (SELECT DISTINCT ON (transaction_id) transaction_id, currency FROM postings
                              ORDER BY transaction_id, currency)
        SELECT coalesce(c.currency, '*') AS currency, count(*) AS checked,
               count(*) FILTER (WHERE n.keys > 1) AS breaks,
               min(n.tx::text) FILTER (WHERE n.keys > 1) AS example
          FROM named n LEFT JOIN tx_currency c ON c.transaction_id = n.tx
         GROUP BY 1""",
    "key's effect exists": """
        SELECT coalesce(response_body->'amount'->>'currency', '*') AS currency, count(*) AS checked,
               count(*) FILTER (WHERE t.id IS NULL) AS breaks,
               min(k.idempotency_key) FILTER (WHERE t.id IS NULL) AS example
          FROM idempotency_keys k
          LEFT JOIN ledger_transactions t ON t.id = (k.response_body->>'transaction_id')::uuid
         WHERE k.response_status BETWEEN 200 AND 299 AND k.response_body->>'transaction_id' IS NOT NULL
         GROUP BY 1""",
    "one event per transaction": """
        WITH events AS (SELECT (payload->'data'->>'transaction_id')::uuid AS tx, count(*) AS n
                          FROM outbox WHERE topic = 'payment.executed' GROUP BY 1),
             txs AS (SELECT t.id, t.kind, (SELECT min(currency) FROM postings p WHERE p.transaction_id = t.id)
                            AS currency
                       FROM ledger_transactions t WHERE t.kind = ANY(%(kinds)s)),
             joined AS (SELECT coalesce(x.currency, '*') AS currency, coalesce(x.id, e.tx) AS tx,
                               coalesce(e.n, 0) AS events, x.id IS NOT NULL AS exists
                          FROM txs x FULL JOIN events e ON e.tx = x.id)
        SELECT currency, count(*) AS checked,
               count(*) FILTER (WHERE events <> 1 OR NOT exists) AS breaks,
               min(tx::text) FILTER (WHERE events <> 1 OR NOT exists) AS example
          FROM joined GROUP BY currency""",
}

UNRELAYED = """
    SELECT coalesce(payload->'data'->>'currency', '*') AS currency, count(*) AS checked,
           count(*) FILTER (WHERE published_at IS NULL) AS breaks,
           min(id::text) FILTER (WHERE published_at IS NULL) AS example
      FROM outbox WHERE topic = 'payment.executed' GROUP BY 1"""

RELAYED_EVENTS = """
    SELECT id::text AS id, coalesce(payload->'data'->>'currency', '*') AS currency FROM outbox
     WHERE topic = 'payment.executed' AND published_at IS NOT NULL
       AND created_at > now() - make_interval(hours => %(hours)s)"""

PROCESSED = "SELECT event_id FROM processed_events WHERE consumer = %(consumer)s AND event_id = ANY(%(ids)s)"
DUPLICATE_ENTRIES = """
    SELECT source_event_id, count(*) AS n FROM inbox_items WHERE source_event_id = ANY(%(ids)s)
     GROUP BY source_event_id, user_id, kind HAVING count(*) > 1"""


def ledger_findings(ledger_url: str) -> list[Finding]:
    findings: list[Finding] = []
    with snapshot(ledger_url) as connection:
        for check, sql in LEDGER_CHECKS.items():
            rows = connection.execute(sql, {"kinds": list(EVENTED_KINDS)}).fetchall()
            findings += _per_currency(rows, check)
    return findings


def delivery_findings(ledger_url: str, notifications_url: str, window_hours: int) -> list[Finding]:
    with snapshot(ledger_url) as ledger:
        findings = _per_currency(ledger.execute(UNRELAYED).fetchall(), "payment.executed relayed")
        relayed = ledger.execute(RELAYED_EVENTS, {"hours": window_hours}).fetchall()
    ids = [row["id"] for row in relayed]
    with snapshot(notifications_url) as notifications:
        seen = {row["event_id"] for row in notifications.execute(
            PROCESSED, {"consumer": NOTIFICATIONS_CONSUMER, "ids": ids}).fetchall()}
        doubled = {row["source_event_id"] for row in notifications.execute(
            DUPLICATE_ENTRIES, {"ids": ids}).fetchall()}
    checked: dict[str, int] = defaultdict(int)
    broken: dict[str, list[str]] = defaultdict(list)
    for row in relayed:
        checked[row["currency"]] += 1
        if row["id"] not in seen or row["id"] in doubled:
            broken[row["currency"]].append(row["id"])
    findings += [Finding("inbox received each event once", currency, count, len(broken[currency]),
                         min(broken[currency]) if broken[currency] else "")
                 for currency, count in sorted(checked.items())]
    return findings


def settle(measure: Callable[[], list[Finding]], seconds: float, progress: Callable[[str], None]) -> list[Finding]:
    """Re-measure the eventual checks until they hold or `seconds` have passed."""
    deadline = time.monotonic() + seconds
    while True:
        findings = measure()
        pending = sum(f.breaks for f in findings)
        if not pending or time.monotonic() >= deadline:
            return findings
        progress(f"  waiting for {pending} event(s) to be relayed/received "
                 f"({deadline - time.monotonic():.0f} s left) ...")
        time.sleep(min(5.0, max(0.5, deadline - time.monotonic())))


def render(findings: list[Finding]) -> str:
    """One row per check and currency that moved money (or is broken); idle currencies in one row."""
    moved = {f.currency for f in findings if f.check in ("postings sum to zero", "payment.executed relayed")}
    rows: dict[tuple[str, str], Finding] = {}
    for f in findings:
        currency = f.currency if f.currency in moved or f.breaks or f.currency == ALL else "others"
        seen = rows.get((f.check, currency))
        rows[(f.check, currency)] = f if seen is None else Finding(
            f.check, currency, seen.checked + f.checked, seen.breaks + f.breaks, seen.example or f.example)
    lines = [f"{'check':<32} {'currency':<8} {'checked':>9} {'breaks':>7}  status"]
    for (check, currency), f in sorted(rows.items(), key=lambda item: (ORDER.index(item[0][0]), item[0][1])):
        status = "ok" if not f.breaks else f"BROKEN (e.g. {f.example})"
        lines.append(f"{check:<32} {currency:<8} {f.checked:>9} {f.breaks:>7}  {status}")
    return "\n".join(lines)


ORDER = (*LEDGER_CHECKS, "payment.executed relayed", "inbox received each event once")


def audit(ledger_url: str, notifications_url: str, *, settle_seconds: float = 90.0, window_hours: int = 23,
          progress: Callable[[str], None] = print) -> list[Finding]:
    findings = ledger_findings(ledger_url)
    findings += settle(lambda: delivery_findings(ledger_url, notifications_url, window_hours), settle_seconds,
                       progress)
    return findings


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--settle", type=float, default=90.0,
                        help="seconds to wait for outbox relays and consumers (default 90)")
    parser.add_argument("--window-hours", type=int, default=23,
                        help="compare events of the last N hours across databases (default 23: inside retention)")
    parser.add_argument("--ledger-schema", help="audit a copy of the ledger in this schema (tests)")
    parser.add_argument("--notifications-schema", help="audit a copy of notifications in this schema (tests)")
    args = parser.parse_args(argv)
    started = time.monotonic()
    print("audit-ledger: reading the ledger and notifications databases (read-only) ...", flush=True)
    findings = audit(admin_url("ledger", args.ledger_schema), admin_url("notifications", args.notifications_schema),
                     settle_seconds=args.settle, window_hours=args.window_hours,
                     progress=lambda text: print(text, flush=True))
    print(render(findings))
    broken = [f for f in findings if f.breaks]
    verdict = f"{len(broken)} check(s) BROKEN" if broken else "all checks hold"
    print(f"audit-ledger: {verdict} ({time.monotonic() - started:.1f} s)")
    return 1 if broken else 0


if __name__ == "__main__":
    sys.exit(main())
