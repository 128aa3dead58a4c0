"""Lambda entry point: the shared dispatcher around this service's app (HTTP, Kafka, schedule)."""

from bank_shared.app import lambda_entrypoint
from contracts_service.api import app
from contracts_service.settings import get_contracts_settings

lambda_handler = lambda_entrypoint(app, prewarm=[get_contracts_settings])
