"""Lambda entry point: the shared dispatcher around this service's app (HTTP, Kafka, schedule)."""

from bank_shared.app import lambda_entrypoint
from notifications_service.api import EVENT_HANDLERS, app
from notifications_service.deliveries import sweep_deliveries
from notifications_service.settings import get_notifications_settings

lambda_handler = lambda_entrypoint(
    app, consumer_name="notifications", event_handlers=EVENT_HANDLERS, prewarm=[get_notifications_settings],
    scheduled_tasks={"deliveries": sweep_deliveries},
)
