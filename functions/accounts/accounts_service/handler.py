"""Lambda entry point: the shared dispatcher around this service's app (HTTP, schedule: accounts_service.scheduled)."""

from accounts_service.api import app
from accounts_service.scheduled import SCHEDULED_TASKS
from accounts_service.settings import get_accounts_settings
from bank_shared.app import lambda_entrypoint

lambda_handler = lambda_entrypoint(app, scheduled_tasks=SCHEDULED_TASKS, prewarm=[get_accounts_settings])
