"""HTTP routes of the ledger service."""

from bank_shared.app import create_app

app = create_app("ledger", routers=[], description="Double-entry ledger: balances, postings, holds, transfers.")
