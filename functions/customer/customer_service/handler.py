"""Lambda entry point: the shared dispatcher around this service's app (HTTP, Kafka, schedule)."""

from bank_shared.app import lambda_entrypoint
from customer_service.api import app
from customer_service.settings import get_customer_settings

lambda_handler = lambda_entrypoint(app, prewarm=[get_customer_settings])
