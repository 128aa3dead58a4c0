"""HTTP routes of the contracts service."""

from bank_shared.app import create_app

app = create_app("contracts", routers=[], description="Service contracts, their versions and statuses.")
