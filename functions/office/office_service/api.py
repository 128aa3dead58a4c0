"""HTTP routes of the office service."""

from bank_shared.app import create_app

app = create_app("office", routers=[], description="The back office for employees: customers, employees, accounts.")
