"""HTTP routes of the customer service."""

from bank_shared.app import create_app

app = create_app(
    "customer", routers=[], description="The customer cabinet's back end: dashboard, transfers, exchange, utilities."
)
