"""Lambda entry point: the shared dispatcher around this service's app (HTTP, Kafka, schedule)."""

from bank_shared.app import lambda_entrypoint
from office_service.api import app

lambda_handler = lambda_entrypoint(app)
