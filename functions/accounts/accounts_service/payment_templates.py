"""Use cases of payment templates: a customer's saved transfer, P2P recipient (phone) or ЖКХ bill, by name.

A template moves no money: paying from it is the SPA filling the ordinary payment form from the template and
going through that form's confirm step, so every check of a payment applies unchanged. Names are unique per
customer (409 `template_name_taken`); others' templates are 404.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from accounts_service.templates_repository import NewTemplate, Template, TemplatesRepository
from bank_shared.db import UnitOfWork
from bank_shared.errors import Conflict, NotFound
from bank_shared.money import money_json

MAX_TEMPLATES = 100


class TemplateNotFound(NotFound):
    code, title = "template_not_found", "Template not found"


class TemplateNameTaken(Conflict):
    code, title = "template_name_taken", "You already have a template with this name"


class TooManyTemplates(Conflict):
    code, title = "too_many_templates", "Too many templates"


def template_view(row: Template) -> dict[str, Any]:
    amount = money_json(row.amount, row.currency) if row.amount is not None else None
    return {"id": str(row.id), "name": row.name, "kind": row.kind,
            "from_account_id": str(row.from_account_id) if row.from_account_id else None,
            "to_account_number": row.to_account_number, "to_phone": row.to_phone,
            "provider_id": str(row.provider_id) if row.provider_id else None,
            "payer_account": row.payer_account, "amount": amount, "currency": row.currency,
            "description": row.description}


@dataclass(frozen=True)
class TemplateDraft:
    owner_id: UUID
    name: str
    kind: str
    currency: str
    from_account_id: UUID | None = None
    to_account_number: str | None = None
    to_phone: str | None = None
    provider_id: UUID | None = None
    payer_account: str | None = None
    amount: int | None = None
    description: str = ""


def create(uow: UnitOfWork, draft: TemplateDraft) -> dict[str, Any]:
    repo = TemplatesRepository(uow.connection)
    if repo.count(draft.owner_id) >= MAX_TEMPLATES:
        raise TooManyTemplates(f"At most {MAX_TEMPLATES} templates")
    template = NewTemplate(uuid.uuid4(), draft.owner_id, draft.name, draft.kind, draft.from_account_id,
                           draft.to_account_number, draft.to_phone, draft.provider_id, draft.payer_account,
                           draft.amount, draft.currency, draft.description)
    row = repo.insert(template)
    if row is None:
        raise TemplateNameTaken()
    return template_view(row)


def list_templates(uow: UnitOfWork, owner_id: UUID) -> list[dict[str, Any]]:
    return [template_view(row) for row in TemplatesRepository(uow.connection).by_owner(owner_id)]


def _owned(repo: TemplatesRepository, owner_id: UUID, template_id: UUID) -> Template:
    row = repo.get(template_id)
    if row is None or row.owner_id != owner_id:
        raise TemplateNotFound()
    return row


def get_template(uow: UnitOfWork, owner_id: UUID, template_id: UUID) -> dict[str, Any]:
    return template_view(_owned(TemplatesRepository(uow.connection), owner_id, template_id))


def rename(uow: UnitOfWork, owner_id: UUID, template_id: UUID, name: str) -> dict[str, Any]:
    repo = TemplatesRepository(uow.connection)
    _owned(repo, owner_id, template_id)
    import psycopg.errors  # loaded with the driver by now; a module-level import would load it at cold start

    try:
        with uow.connection.transaction():  # a savepoint: the unique name may be taken
            return template_view(repo.rename(template_id, name))
    except psycopg.errors.UniqueViolation:
        raise TemplateNameTaken() from None


def delete(uow: UnitOfWork, owner_id: UUID, template_id: UUID) -> None:
    repo = TemplatesRepository(uow.connection)
    _owned(repo, owner_id, template_id)
    repo.delete(template_id)
