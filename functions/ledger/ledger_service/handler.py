"""Lambda entry point: the shared dispatcher around this service's app (HTTP, Kafka, schedule).

The schedule also releases expired holds before the outbox sweep.
"""

from typing import Any

from bank_shared.app import lambda_entrypoint
from bank_shared.db import UnitOfWork
from ledger_service.api import EVENT_HANDLERS, app
from ledger_service.service import expire_holds

_dispatch = lambda_entrypoint(app, consumer_name="ledger", event_handlers=EVENT_HANDLERS)


def _is_schedule(event: dict[str, Any]) -> bool:
    return event.get("source") == "aws.events" or event.get("detail-type") == "Scheduled Event"


def lambda_handler(event: dict[str, Any], context: Any) -> Any:
    if _is_schedule(event):
        expired = expire_holds(UnitOfWork)
        summary = _dispatch(event, context)
        return {**summary, "holds_expired": expired} if isinstance(summary, dict) else summary
    return _dispatch(event, context)
