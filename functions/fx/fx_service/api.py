"""HTTP routes of the fx service."""

from bank_shared.app import create_app

app = create_app("fx", routers=[], description="Exchange rates (Frankfurter, cached in Redis) and currency exchange.")
