"""Staff on a customer's products (docs/back-office.md): office reads the customer's standing orders and payment
templates from accounts' staff routes and cancels an order for them, with its own identity naming the employee
(X-Acting-Employee); the cancel is recorded in the audit log with the employee's reason."""

from __future__ import annotations

from uuid import UUID

from bank_shared.http import Answer
from office_service.clients import AccountsForStaff
from office_service.service import Actor, Office


class ProductsClient(AccountsForStaff):
    """accounts `GET /staff/customers/{id}/standing-orders|templates`, `POST /staff/standing-orders/{id}/cancel`."""

    def standing_orders(self, employee: str, customer_id: UUID) -> Answer:
        return self._call("GET", employee, f"/staff/customers/{customer_id}/standing-orders")

    def templates(self, employee: str, customer_id: UUID) -> Answer:
        return self._call("GET", employee, f"/staff/customers/{customer_id}/templates")

    def cancel_order(self, employee: str, order_id: UUID) -> Answer:
        return self._call("POST", employee, f"/staff/standing-orders/{order_id}/cancel")


def cancel_standing_order(office: Office, client: ProductsClient, actor: Actor, order_id: UUID,
                          reason: str) -> Answer:
    """Stop the customer's order, audited as `standing_order.cancel` with the reason."""
    return office._perform(actor, "standing_order.cancel", "standing_order", str(order_id),
                           lambda: client.cancel_order(actor.id, order_id), details={"reason": reason})
