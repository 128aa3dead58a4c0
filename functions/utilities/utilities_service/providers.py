"""Use cases of the provider directory's administration (admins): create, edit, deactivate, reactivate.

Creating a provider gives it a settlement account the way the seeded providers have one: a ledger account
(kind customer, owned by the provider's id) the payments are captured into, and a 20-digit settlement number.
The ledger is called first, with no transaction open; the provider is written afterwards. Both ids derive
from the admin's Idempotency-Key (uuid5), so a retry of the same request opens the same ledger account
(idempotent in the ledger) and finds the same row; the response is stored under the key and replayed.

Every change is audited by a `utility.provider_changed` event written to the outbox in the transaction
that makes the change (who, what fields, the reason): the owner of the data records its own history
atomically, with no second service in the way. Deactivation keeps the provider and its payments; the pay
route refuses it with `provider_inactive`.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import UTC
from typing import Any
from uuid import UUID

from bank_shared.db import UnitOfWork
from bank_shared.errors import Conflict, Unprocessable
from bank_shared.events.envelope import new_event
from bank_shared.events.outbox import record_event
from bank_shared.events.topics import UTILITY_PROVIDER_CHANGED
from bank_shared.idempotency import IdempotentResult, fingerprint, store_result, stored_result
from bank_shared.money import to_minor
from utilities_service.clients import LedgerAccounts
from utilities_service.repository import Provider, ProviderRepository
from utilities_service.service import SERVICE, ProviderNotFound, provider_view

UowFactory = Callable[[], UnitOfWork]
_IDS = uuid.UUID("6f1d6c52-3c1a-4c59-9a0e-2b1f0c7a4e11")  # namespace of the ids derived from keys


class ProviderCodeTaken(Conflict):
    code, title = "provider_code_taken", "A provider with this code already exists"


class InvalidPayerAccountPattern(Unprocessable):
    code, title = "invalid_payer_account_pattern", "The payer-account pattern is not a valid regular expression"


class InvalidAmountRange(Unprocessable):
    code, title = "invalid_amount_range", "The minimum amount must be positive and not above the maximum"


class NothingToChange(Unprocessable):
    code, title = "nothing_to_change", "The request changes nothing"


@dataclass(frozen=True)
class Actor:
    id: str
    reason: str | None


def check_pattern(pattern: str) -> str:
    """The pattern must compile (payments match the whole payer code against it)."""
    try:
        re.compile(pattern)
    except re.error as error:
        raise InvalidPayerAccountPattern(f"{pattern!r}: {error}") from None
    return pattern


def check_amounts(min_amount: int, max_amount: int) -> None:
    if min_amount <= 0 or max_amount < min_amount:
        raise InvalidAmountRange("The minimum amount must be positive and not above the maximum")


def provider_fields(values: dict[str, Any], currency: str) -> dict[str, Any]:
    """Request values (amounts as decimal strings, payer_account as an object) as provider columns."""
    fields = {k: v for k, v in values.items() if k not in ("payer_account", "min_amount", "max_amount")}
    if values.get("payer_account") is not None:
        account = values["payer_account"]
        fields.update(payer_account_label=account["label"], payer_account_hint=account["hint"],
                      payer_account_pattern=check_pattern(account["pattern"]))
    for name in ("min_amount", "max_amount"):
        if values.get(name) is not None:
            fields[name] = to_minor(values[name], currency)
    return fields


def _changed(uow: UnitOfWork, row: Provider, action: str, actor: Actor, changed: list[str]) -> None:
    data = {"provider_id": str(row.id), "code": row.code, "name": row.name, "action": action,
            "actor_id": actor.id, "reason": actor.reason, "changed": sorted(changed), "active": row.active,
            "settlement_account": row.settlement_account_number,
            "ledger_account_id": str(row.ledger_account_id),
            "changed_at": row.updated_at.astimezone(UTC).isoformat()}
    record_event(uow, new_event(UTILITY_PROVIDER_CHANGED, SERVICE, str(row.id), data))


def _scope(actor: Actor) -> str:
    return f"utility-provider:{actor.id}"


def create_provider(new_uow: UowFactory, ledger: LedgerAccounts, actor: Actor, key: str,
                    values: dict[str, Any]) -> IdempotentResult:
    """Ledger account first (no transaction open), then the provider, its audit event and the stored answer."""
    scope, currency = _scope(actor), values["currency"]
    request_hash = fingerprint(scope, values)
    fields = provider_fields(values, currency)
    check_amounts(fields["min_amount"], fields["max_amount"])
    provider_id, ledger_account_id = uuid.uuid5(_IDS, f"{scope}|{key}|provider"), uuid.uuid5(_IDS, f"{scope}|{key}")
    with new_uow() as uow:
        replay = stored_result(uow.connection, scope, key, request_hash)
        if replay is not None:
            return replay
        taken = ProviderRepository(uow.connection).by_code(fields["code"])
        if taken is not None and taken.id != provider_id:
            raise ProviderCodeTaken(f"The code {fields['code']} is taken")
    ledger.open_settlement_account(ledger_account_id, provider_id, currency)
    with new_uow() as uow:
        replay = stored_result(uow.connection, scope, key, request_hash)
        if replay is not None:
            return replay
        providers = ProviderRepository(uow.connection)
        if not providers.insert(provider_id, ledger_account_id, fields):
            raise ProviderCodeTaken(f"The code {fields['code']} is taken")
        row = providers.get(provider_id)
        assert row is not None
        body = provider_view(row)
        _changed(uow, row, "created", actor, sorted(values))
        result = IdempotentResult(201, body, replayed=False)
        store_result(uow.connection, scope, key, request_hash, result)
    return result


def update_provider(uow: UnitOfWork, actor: Actor, provider_id: UUID, values: dict[str, Any]) -> dict[str, Any]:
    """Set the given fields (a change of `active` deactivates or reactivates); audited in the same transaction."""
    providers = ProviderRepository(uow.connection)
    current = providers.get(provider_id)
    if current is None:
        raise ProviderNotFound(f"No provider {provider_id}")
    fields = provider_fields(values, current.currency)
    stored = asdict(current)
    fields = {k: v for k, v in fields.items() if stored[k] != v}
    if not fields:
        raise NothingToChange("Every given value is the provider's current one")
    merged = {**stored, **fields}
    check_amounts(merged["min_amount"], merged["max_amount"])
    row = providers.update(provider_id, fields)
    assert row is not None
    action = "updated" if "active" not in fields else ("reactivated" if row.active else "deactivated")
    _changed(uow, row, action, actor, list(fields))
    return provider_view(row)
