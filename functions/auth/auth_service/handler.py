"""Lambda entry point: the shared dispatcher around this service's app (HTTP, Kafka, schedule)."""

from auth_service.api import app
from bank_shared.app import lambda_entrypoint

lambda_handler = lambda_entrypoint(app)
