"""Use cases of staff on a customer's products (docs/back-office.md): read the customer's standing orders (with
their latest runs) and payment templates, and cancel an order for the customer. The back office calls these
with its own identity naming the employee; the customer then sees the order cancelled like one they stopped."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from accounts_service.payment_templates import template_view
from accounts_service.standing_orders import StandingOrderNotFound, order_view
from accounts_service.standing_orders_repository import StandingOrdersRepository
from accounts_service.templates_repository import TemplatesRepository
from bank_shared.db import UnitOfWork

RUNS_PER_ORDER = 12


def customer_orders(uow: UnitOfWork, customer_id: UUID) -> list[dict[str, Any]]:
    """Every order of the customer, newest first as the customer sees them, each with its latest runs."""
    repo = StandingOrdersRepository(uow.connection)
    return [order_view(row, repo.runs_of(row.id, RUNS_PER_ORDER)) for row in repo.by_owner(customer_id)]


def customer_templates(uow: UnitOfWork, customer_id: UUID) -> list[dict[str, Any]]:
    return [template_view(row) for row in TemplatesRepository(uow.connection).by_owner(customer_id)]


def cancel_order(uow: UnitOfWork, order_id: UUID) -> dict[str, Any]:
    """Stop any customer's order (idempotent); runs already created still complete."""
    repo = StandingOrdersRepository(uow.connection)
    if repo.get(order_id, lock=True) is None:
        raise StandingOrderNotFound()
    return order_view(repo.cancel(order_id), repo.runs_of(order_id, RUNS_PER_ORDER))
