"""Lambda entry point: the shared dispatcher around this service's app (HTTP, Kafka, schedule).

The schedule also expires money requests nobody decided in time and finishes approved ones whose execution
an outage interrupted (office_service.approvals)."""

from bank_shared.app import lambda_entrypoint
from office_service.api import app
from office_service.approvals_api import approvals
from office_service.settings import get_office_settings

lambda_handler = lambda_entrypoint(app, prewarm=[get_office_settings], scheduled_tasks={
    "approvals_expired": lambda: approvals().expire_due(),
    "approvals_finished": lambda: approvals().finish_unfinished(),
})
