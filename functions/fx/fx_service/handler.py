"""Lambda entry point: the shared dispatcher around this service's app (HTTP, Kafka, schedule)."""

from bank_shared.app import lambda_entrypoint
from fx_service.api import app
from fx_service.settings import get_fx_settings
from fx_service.tasks import finish_stuck_quotes

lambda_handler = lambda_entrypoint(
    app, scheduled_tasks={"stuck_quotes": finish_stuck_quotes}, prewarm=[get_fx_settings]
)
