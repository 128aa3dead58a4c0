"""Lambda entry point: the shared dispatcher around this service's app (HTTP, Kafka, schedule)."""

from accounts_service.api import app
from accounts_service.card_settlement import sweep
from accounts_service.settings import get_accounts_settings
from bank_shared.app import lambda_entrypoint

# The schedule also releases expired card authorizations and settles half-done ones (docs/cards.md).
lambda_handler = lambda_entrypoint(app, scheduled_tasks={"card_authorizations": sweep},
                                   prewarm=[get_accounts_settings])
