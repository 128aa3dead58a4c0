"""Scheduled work of the utilities function (besides the outbox sweep): finish stuck payments."""

from __future__ import annotations

from utilities_service import service
from utilities_service.clients import ledger_holds
from utilities_service.settings import get_utilities_settings


def finish_stuck_payments() -> dict[str, int]:
    from bank_shared.db import UnitOfWork

    settings = get_utilities_settings()
    return service.finish_stuck_payments(UnitOfWork, ledger_holds(), settings.utilities_stuck_after_seconds,
                                         settings.utilities_stuck_batch, settings.utilities_hold_ttl_seconds)
