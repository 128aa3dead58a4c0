"""Lambda entry point: the shared dispatcher around this service's app (HTTP, Kafka, schedule)."""

from bank_shared.app import lambda_entrypoint
from office_service.api import app
from office_service.settings import get_office_settings

lambda_handler = lambda_entrypoint(app, prewarm=[get_office_settings])
