"""fx's QuoteRepository in memory, and its LedgerExchanges answered by the ledger's own exchange use case over an
in-memory ledger (so the exchange saga's ledger step is the ledger's rule: balanced per currency, once per quote)."""

from __future__ import annotations

import json
from datetime import date, datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

from bank_shared.auth import Principal
from bank_shared.errors import AppError, DependencyUnavailable, problem
from bank_shared.http import Answer
from bank_shared.money import to_minor
from fx_service.repository import Quote
from ledger_service.currency_exchange import ExchangeOrder, exchange
from tests.support.fakes.db import FakeDatabase

Row = dict[str, Any]


class InMemoryQuotes:
    def __init__(self) -> None:
        self.state: dict[str, Any] = {"quotes": {}}

    def add(self, row: Row) -> None:
        self.state["quotes"][row["id"]] = {"status": "open", "exchange_key": None, "claimed_at": None,
                                           "finished_at": None, "ledger_transaction_id": None, "result_status": None,
                                           "result_body": None, **row}

    def insert(self, quote_id: UUID, owner_id: UUID, from_account_id: UUID, to_account_id: UUID,
               sell: tuple[str, int], buy: tuple[str, int], fixed_side: str, mid_rate: Decimal, rate: Decimal,
               spread_bps: int, rate_date: date, rate_source: str, rate_stale: bool, created_at: datetime,
               expires_at: datetime) -> Quote:
        self.add({"id": quote_id, "owner_id": owner_id, "from_account_id": from_account_id,
                  "to_account_id": to_account_id, "sell_currency": sell[0], "sell_amount": sell[1],
                  "buy_currency": buy[0], "buy_amount": buy[1], "fixed_side": fixed_side, "mid_rate": mid_rate,
                  "rate": rate, "spread_bps": spread_bps, "rate_date": rate_date, "rate_source": rate_source,
                  "rate_stale": rate_stale, "created_at": created_at, "expires_at": expires_at})
        return Quote(**self.state["quotes"][quote_id])

    def get(self, quote_id: UUID, *, lock: bool = False) -> Quote | None:
        row = self.state["quotes"].get(quote_id)
        return Quote(**row) if row else None

    def claim(self, quote_id: UUID, key: str) -> None:
        row = self.state["quotes"][quote_id]
        if row["status"] == "open":
            row.update(status="executing", exchange_key=key)

    def stuck(self, older_than_seconds: int, limit: int) -> list[Quote]:
        return [Quote(**r) for r in self.state["quotes"].values() if r["status"] == "executing"][:limit]

    def finish(self, quote_id: UUID, status: str, transaction_id: UUID | None, result_status: int,
               result_body: dict[str, Any]) -> None:
        row = self.state["quotes"][quote_id]
        if row["status"] == "executing":
            row.update(status=status, ledger_transaction_id=transaction_id, result_status=result_status,
                       result_body=json.loads(json.dumps(result_body, default=str)))


class ExchangesOverFakes:
    """fx's LedgerExchanges answered by ledger_service.currency_exchange.exchange (as the ledger's route would)."""

    caller = Principal("fx", frozenset({"service"}), frozenset(), {"client_id": "fx"})

    def __init__(self, database: FakeDatabase) -> None:
        self.database = database
        self.calls: list[str] = []
        self.outage = False
        self.answer_once: list[Answer] = []  # answers given instead of the ledger's (e.g. in flight)

    def exchange(self, key: str, order: dict[str, Any]) -> Answer:
        self.calls.append(key)
        if self.outage:
            raise DependencyUnavailable("ledger unreachable", dependency="ledger")
        if self.answer_once:
            return self.answer_once.pop(0)
        sell, buy = order["sell"], order["buy"]
        request = ExchangeOrder(UUID(order["quote_id"]), UUID(order["owner_id"]), UUID(order["from_account_id"]),
                                UUID(order["to_account_id"]), to_minor(sell["amount"], sell["currency"]),
                                sell["currency"], to_minor(buy["amount"], buy["currency"]), buy["currency"],
                                Decimal(order["rate"]), order["description"])
        try:
            result = self.database.run(exchange, self.caller, key, request)
        except AppError as error:
            return Answer(error.status, problem(error.status, error.code, error.title, error.detail))
        return Answer(result.status, result.body, result.replayed)


def quote_row(quote_id: UUID, owner_id: UUID, source: UUID, target: UUID, sell: int, buy: int,
              expires_at: datetime, created_at: datetime) -> Row:
    return {"id": quote_id, "owner_id": owner_id, "from_account_id": source, "to_account_id": target,
            "sell_currency": "RUB", "sell_amount": sell, "buy_currency": "USD", "buy_amount": buy,
            "fixed_side": "sell", "mid_rate": Decimal("0.0105"), "rate": Decimal("0.0100"), "spread_bps": 50,
            "rate_date": created_at.date(), "rate_source": "ecb", "rate_stale": False, "created_at": created_at,
            "expires_at": expires_at}
