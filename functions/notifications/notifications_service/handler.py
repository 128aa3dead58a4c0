"""Lambda entry point: the shared dispatcher around this service's app (HTTP, Kafka, schedule)."""

from bank_shared.app import lambda_entrypoint
from notifications_service.api import EVENT_HANDLERS, app

lambda_handler = lambda_entrypoint(app, consumer_name="notifications", event_handlers=EVENT_HANDLERS)
