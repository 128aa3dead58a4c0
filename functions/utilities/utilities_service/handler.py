"""Lambda entry point: the shared dispatcher around this service's app (HTTP, Kafka, schedule)."""

from bank_shared.app import lambda_entrypoint
from utilities_service.api import app
from utilities_service.settings import get_utilities_settings
from utilities_service.tasks import finish_stuck_payments

lambda_handler = lambda_entrypoint(
    app, scheduled_tasks={"stuck_payments": finish_stuck_payments}, prewarm=[get_utilities_settings]
)
