"""Lambda entry point: the shared dispatcher around this service's app (HTTP, Kafka, schedule)."""

from bank_shared.app import lambda_entrypoint
from contracts_service.api import EVENT_HANDLERS, app
from contracts_service.settings import get_contracts_settings

lambda_handler = lambda_entrypoint(app, consumer_name="contracts", event_handlers=EVENT_HANDLERS,
                                   prewarm=[get_contracts_settings])
