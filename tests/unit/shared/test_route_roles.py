"""Who may call each route of ledger, accounts, contracts, notifications, utilities and fx, pinned here and
proven on the apps themselves in the fast tier: every route in the OpenAPI is called with a probe principal
that records which roles the route's guard asks for (and holds none of them, so no handler runs); the table
below must match exactly, and a caller holding only a role outside the set gets the 403 problem. A route that
loses or widens its guard fails here. Object ownership (another customer's account, hold, contract...) is
the use cases' rule: tests/unit/<service>."""

from __future__ import annotations

import importlib
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from fastapi.testclient import TestClient

import bank_shared.app
from bank_shared import db
from bank_shared.auth import Principal, current_principal

PUBLIC = frozenset({"public"})  # health and the published rates: no token needed
ALL = frozenset({"customer", "employee", "admin", "service"})
PEOPLE = frozenset({"customer", "employee", "admin"})
STAFF = frozenset({"employee", "admin"})
SERVICE = frozenset({"service"})
CUSTOMER = frozenset({"customer"})
CUSTOMER_OR_SERVICE = frozenset({"customer", "service"})
ADMIN = frozenset({"admin"})

ROUTES: dict[str, dict[str, frozenset[str]]] = {
    "ledger": {
        "GET /api/ledger/health": PUBLIC,
        "POST /api/ledger/transfer": CUSTOMER,
        "GET /api/ledger/transactions": ALL,
        "GET /api/ledger/accounts/{account_id}/balance": ALL,
        "POST /api/ledger/internal/accounts": SERVICE,
        "POST /api/ledger/internal/accounts/{account_id}/close": SERVICE,
        "GET /api/ledger/internal/balances": SERVICE,
        "POST /api/ledger/internal/transfers": SERVICE,
        "POST /api/ledger/internal/exchanges": SERVICE,
        "GET /api/ledger/internal/transactions": SERVICE,
        "POST /api/ledger/internal/topups": SERVICE,
        "GET /api/ledger/internal/transactions/{transaction_id}": SERVICE,
        "POST /api/ledger/internal/transactions/{transaction_id}/reversal": SERVICE,
        "POST /api/ledger/internal/holds": SERVICE,
        "GET /api/ledger/internal/holds/{hold_id}": SERVICE,
        "POST /api/ledger/internal/holds/{hold_id}/capture": SERVICE,
        "POST /api/ledger/internal/holds/{hold_id}/void": SERVICE,
        "GET /api/ledger/internal/accounts/{account_id}/postings": SERVICE,
        "POST /api/ledger/internal/interest": SERVICE,
        "GET /api/ledger/internal/closing-balances": SERVICE,
    },
    "accounts": {
        "GET /api/accounts/health": PUBLIC,
        "POST /api/accounts/network/messages": PUBLIC,  # the card network: its HMAC signature, not a role
        "POST /api/accounts/acquiring/webhook": PUBLIC,  # the card acquirer: its HMAC signature, not a role
        "POST /api/accounts/{account_id}/card-topups": CUSTOMER,
        "GET /api/accounts/card-topups/{topup_id}": CUSTOMER,
        "GET /api/accounts/cards/{card_id}/limits": PEOPLE,
        "PUT /api/accounts/cards/{card_id}/limits": PEOPLE,
        "GET /api/accounts/cards/{card_id}/purchases": PEOPLE,
        "POST /api/accounts/standing-orders": CUSTOMER,
        "GET /api/accounts/standing-orders": CUSTOMER,
        "GET /api/accounts/standing-orders/{order_id}": CUSTOMER,
        "POST /api/accounts/standing-orders/{order_id}/cancel": CUSTOMER,
        "GET /api/accounts/staff/customers/{customer_id}/standing-orders": STAFF,
        "GET /api/accounts/staff/customers/{customer_id}/templates": STAFF,
        "POST /api/accounts/staff/standing-orders/{order_id}/cancel": STAFF,
        "GET /api/accounts/templates": CUSTOMER,
        "POST /api/accounts/templates": CUSTOMER,
        "GET /api/accounts/templates/{template_id}": CUSTOMER,
        "PATCH /api/accounts/templates/{template_id}": CUSTOMER,
        "DELETE /api/accounts/templates/{template_id}": CUSTOMER,
        "GET /api/accounts/savings/rates": PEOPLE,
        "POST /api/accounts/savings/rates": ADMIN,
        "GET /api/accounts/savings/{account_id}/interest": CUSTOMER,
        "GET /api/accounts/internal/accounts": SERVICE,
        "GET /api/accounts/products": PEOPLE,
        "POST /api/accounts/open": PEOPLE,
        "GET /api/accounts/my": PEOPLE,
        "POST /api/accounts/cards/{card_id}/block": PEOPLE,
        "POST /api/accounts/cards/{card_id}/unblock": PEOPLE,
        "GET /api/accounts/{account_id}": PEOPLE,
        "POST /api/accounts/{account_id}/close": PEOPLE,
        "POST /api/accounts/{account_id}/cards": PEOPLE,
        "GET /api/accounts/{account_id}/cards": PEOPLE,
    },
    "contracts": {
        "GET /api/contracts/health": PUBLIC,
        "GET /api/contracts/templates": PEOPLE,
        "POST /api/contracts/templates": frozenset({"admin"}),
        "GET /api/contracts/templates/{template_id}": PEOPLE,
        "POST /api/contracts/templates/{template_id}/versions": frozenset({"admin"}),
        "POST /api/contracts/contracts": PEOPLE,
        "GET /api/contracts/contracts": STAFF,
        "GET /api/contracts/contracts/my": PEOPLE,
        "GET /api/contracts/contracts/{contract_id}": PEOPLE,
        "GET /api/contracts/contracts/{contract_id}/document": PEOPLE,
        "POST /api/contracts/contracts/{contract_id}/sign": PEOPLE,
        "POST /api/contracts/contracts/{contract_id}/activate": STAFF,
        "POST /api/contracts/contracts/{contract_id}/terminate": STAFF,
    },
    "notifications": {
        "GET /api/notifications/health": PUBLIC,
        "GET /api/notifications/internal/unread-count": SERVICE,
        "GET /api/notifications/inbox": PEOPLE,
        "GET /api/notifications/inbox/unread-count": PEOPLE,
        "POST /api/notifications/inbox/{item_id}/read": PEOPLE,
        "GET /api/notifications/preferences": PEOPLE,
        "PUT /api/notifications/preferences": PEOPLE,
        "GET /api/notifications/push/vapid-public-key": PEOPLE,
        "GET /api/notifications/push/subscriptions": PEOPLE,
        "POST /api/notifications/push/subscriptions": PEOPLE,
        "DELETE /api/notifications/push/subscriptions/{subscription_id}": PEOPLE,
        "POST /api/notifications/send": SERVICE,
        "GET /api/notifications/{notification_id}": STAFF | SERVICE,
    },
    "utilities": {
        "GET /api/utilities/health": PUBLIC,
        "GET /api/utilities/providers": ALL,
        "GET /api/utilities/providers/{provider_id}": ALL,
        "POST /api/utilities/providers": ADMIN,
        "PATCH /api/utilities/providers/{provider_id}": ADMIN,
        "POST /api/utilities/pay": CUSTOMER_OR_SERVICE,
        "GET /api/utilities/payments": CUSTOMER,
        "GET /api/utilities/payments/{payment_id}": CUSTOMER,
    },
    "fx": {
        "GET /api/fx/health": PUBLIC,
        "GET /api/fx/rates/history": PUBLIC,
        "GET /api/fx/rates/latest": PUBLIC,
        "GET /api/fx/rates/{date}": PUBLIC,
        "GET /api/fx/currencies": PUBLIC,
        "POST /api/fx/quotes": CUSTOMER_OR_SERVICE,
        "GET /api/fx/quotes/{quote_id}": CUSTOMER_OR_SERVICE,
        "POST /api/fx/exchange": CUSTOMER_OR_SERVICE,
    },
}
SUBJECT = "00000000-0000-4000-8000-000000000001"


@dataclass(frozen=True)
class Probe(Principal):
    """Holds no role; remembers every role set a guard asked for."""

    asked: list[frozenset[str]] | None = None

    def has_any_role(self, *roles: str) -> bool:
        assert self.asked is not None
        self.asked.append(frozenset(roles))
        return False


class NoDatabase(Exception):
    pass


@pytest.fixture(autouse=True)
def no_database(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*_args: Any, **_kwargs: Any) -> Any:
        raise NoDatabase("a guarded route reached its handler")
    monkeypatch.setattr(db, "connect", refuse)
    monkeypatch.setattr(db, "_connection", None)
    monkeypatch.setattr(bank_shared.app, "direct_caller", lambda _scope: "office")  # internal routes answer


@pytest.fixture(params=sorted(ROUTES))
def service(request: pytest.FixtureRequest) -> Iterator[tuple[str, Any]]:
    app = importlib.import_module(f"{request.param}_service.api").app
    yield request.param, app
    app.dependency_overrides.pop(current_principal, None)


def principal_for(principal: Principal) -> Any:
    """A dependency override without parameters (FastAPI would read any as request parameters)."""
    def override() -> Principal:
        return principal
    return override


def url(path: str) -> str:
    return re.sub(r"\{[^}]+\}", "00000000-0000-4000-8000-000000000002", path)


def test_every_route_asks_exactly_the_pinned_roles(service: tuple[str, Any]) -> None:
    name, app = service
    client = TestClient(app, raise_server_exceptions=False)
    operations = [f"{method.upper()} {path}" for path, ops in app.openapi()["paths"].items() for method in ops]
    assert sorted(operations) == sorted(ROUTES[name])  # a new route is added to the table, with its roles
    seen: dict[str, frozenset[str]] = {}
    for operation in operations:
        if ROUTES[name][operation] is PUBLIC:
            seen[operation] = PUBLIC
            continue
        asked: list[frozenset[str]] = []
        app.dependency_overrides[current_principal] = principal_for(Probe(SUBJECT, frozenset(), frozenset(), {},
                                                                          asked=asked))
        method, path = operation.split(" ", 1)
        response = client.request(method, url(path))
        assert response.status_code == 403 and response.json()["code"] == "forbidden", operation
        seen[operation] = frozenset().union(*asked)
    assert seen == ROUTES[name]


def test_a_caller_without_an_allowed_role_is_refused(service: tuple[str, Any]) -> None:
    name, app = service
    client = TestClient(app, raise_server_exceptions=False)
    for operation, roles in ROUTES[name].items():
        outside = sorted(ALL - roles)
        if roles is PUBLIC or not outside:
            continue
        app.dependency_overrides[current_principal] = principal_for(Principal(
            SUBJECT, frozenset({outside[0]}), frozenset(), {"client_id": "office"}))
        method, path = operation.split(" ", 1)
        response = client.request(method, url(path))
        assert (response.status_code, response.json()["code"]) == (403, "forbidden"), operation
