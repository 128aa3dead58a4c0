"""The Alembic environment of every service (each service's script_location is this directory)."""

from bank_shared.migrations.runner import run_environment

run_environment()
