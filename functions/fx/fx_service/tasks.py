"""Scheduled work of the fx function (run by its schedule before the outbox sweep)."""

from __future__ import annotations

from bank_shared.db import UnitOfWork
from fx_service import exchange
from fx_service.clients import ledger_exchanges
from fx_service.settings import get_fx_settings


def finish_stuck_quotes() -> dict[str, int]:
    """Quotes left `executing` by a function that died mid-exchange: finished through the ledger, once."""
    settings = get_fx_settings()
    return exchange.finish_stuck_quotes(UnitOfWork, ledger_exchanges(), settings.fx_stuck_quote_after_seconds,
                                        settings.fx_stuck_quote_batch)
