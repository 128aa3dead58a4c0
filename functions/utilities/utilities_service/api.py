"""HTTP routes of the utilities service."""

from bank_shared.app import create_app

app = create_app("utilities", routers=[], description="Utility providers and utility payments (ЖКХ).")
