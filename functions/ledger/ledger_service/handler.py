"""Lambda entry point: the shared dispatcher around this service's app (HTTP, Kafka, schedule).

The schedule also releases expired holds before the outbox sweep.
"""

from bank_shared.app import lambda_entrypoint
from bank_shared.db import UnitOfWork
from ledger_service.api import EVENT_HANDLERS, app
from ledger_service.holds import expire_holds
from ledger_service.settings import get_ledger_settings

lambda_handler = lambda_entrypoint(
    app,
    consumer_name="ledger",
    event_handlers=EVENT_HANDLERS,
    scheduled_tasks={"holds_expired": lambda: expire_holds(UnitOfWork)},
    prewarm=[get_ledger_settings],
)
