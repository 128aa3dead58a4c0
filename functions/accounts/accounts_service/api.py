"""HTTP routes of the accounts service."""

from bank_shared.app import create_app

app = create_app("accounts", routers=[], description="Accounts and cards, linked to products.")
