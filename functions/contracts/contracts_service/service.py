"""Use cases of the contracts service: templates and their versions, contracts and their lifecycle.

Lifecycle: draft → signed (the customer accepts) → active (staff, or at once on signing for self-service
templates) → terminated (staff, with a reason; a draft or signed contract can be terminated too, which
withdraws it). Anything else is a 409 `invalid_contract_transition`. A contract is pinned to the template
version that was in effect when it was created; its rendered text is stored here and as a document in the
statements bucket, with the SHA-256 of that text.

Object-level rule: a customer sees only their own contracts; anyone else's are reported as not found
(404), never forbidden. Staff see everything. No HTTP, no SQL strings here.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, date, datetime
from typing import Any
from uuid import UUID

from bank_shared.auth import Principal, customer_acted_for
from bank_shared.db import UnitOfWork
from bank_shared.errors import Conflict, Forbidden, NotFound, Unprocessable
from bank_shared.events.consumer import TwoPhase
from bank_shared.events.envelope import CloudEvent, new_event
from bank_shared.events.outbox import record_event
from bank_shared.events.topics import CONTRACT_ACTIVATED, CONTRACT_SIGNED, CONTRACT_TERMINATED
from bank_shared.idempotency import IdempotentResult, fingerprint, run_idempotent
from bank_shared.pagination import decode_time_id, page, time_id_page
from bank_shared.timestamps import utc_text_or_none
from contracts_service import documents, rendering
from contracts_service.clients import customer_names
from contracts_service.repository import Contract, ContractsRepository, StatusChange, Template, TemplateVersion
from contracts_service.settings import get_contracts_settings

SERVICE = "contracts"
STATUSES = ("draft", "signed", "active", "terminated")
# (action, current status) → new status
TRANSITIONS: dict[tuple[str, str], str] = {
    ("sign", "draft"): "signed",
    ("activate", "signed"): "active",
    ("terminate", "draft"): "terminated",
    ("terminate", "signed"): "terminated",
    ("terminate", "active"): "terminated",
}
EVENT_OF_STATUS = {"signed": CONTRACT_SIGNED, "active": CONTRACT_ACTIVATED, "terminated": CONTRACT_TERMINATED}


class TemplateNotFound(NotFound):
    code, title = "template_not_found", "Contract template not found"


class TemplateCodeTaken(Conflict):
    code, title = "template_code_taken", "A template with this code already exists"


class TemplateNotSelfService(Forbidden):
    code, title = "template_not_self_service", "This contract is concluded through an employee"


class NoVersionInEffect(Unprocessable):
    code, title = "template_version_not_in_effect", "The template has no version in effect yet"


class MalformedPlaceholder(Unprocessable):
    code, title = "malformed_placeholder", "The template body has a malformed placeholder"


class MissingPlaceholders(Unprocessable):
    code, title = "missing_placeholders", "Values are missing for placeholders of the template"


class ContractNotFound(NotFound):
    code, title = "contract_not_found", "Contract not found"


class NotContractOwner(Forbidden):
    code, title = "not_contract_owner", "Only the customer signs their contract"


class InvalidTransition(Conflict):
    code, title = "invalid_contract_transition", "The contract's status does not allow this action"


def next_status(action: str, status: str) -> str:
    """The status `action` moves a contract in `status` to, or InvalidTransition."""
    try:
        return TRANSITIONS[(action, status)]
    except KeyError:
        raise InvalidTransition(f"Cannot {action} a contract that is {status}", contract_status=status,
                                action=action) from None


# views ----------------------------------------------------------------------------------------------------------

def template_view(row: Template) -> dict[str, Any]:
    return {"id": str(row.id), "code": row.code, "name": row.name, "self_service": row.self_service,
            "latest_version": row.latest_version, "created_at": utc_text_or_none(row.created_at)}


def version_view(row: TemplateVersion) -> dict[str, Any]:
    return {"template_id": str(row.template_id), "version": row.version, "title": row.title,
            "body": row.body, "placeholders": rendering.placeholders(row.body),
            "effective_from": row.effective_from.isoformat(), "published_by": row.published_by,
            "published_at": utc_text_or_none(row.published_at)}


def contract_view(row: Contract) -> dict[str, Any]:
    return {
        "id": str(row.id),
        "number": row.number,
        "customer_id": str(row.customer_id),
        "template_id": str(row.template_id),
        "template_version": row.version,
        "title": row.title,
        "status": row.status,
        "document_sha256": row.document_sha256.strip(),
        "created_by": row.created_by,
        "created_at": utc_text_or_none(row.created_at),
        "signed_at": utc_text_or_none(row.signed_at),
        "activated_at": utc_text_or_none(row.activated_at),
        "terminated_at": utc_text_or_none(row.terminated_at),
        "termination_reason": row.termination_reason,
    }


def history_view(row: StatusChange) -> dict[str, Any]:
    return {"from_status": row.from_status, "to_status": row.to_status, "changed_by": row.changed_by,
            "changed_at": utc_text_or_none(row.changed_at), "reason": row.reason}


# templates ------------------------------------------------------------------------------------------------------

def _check_body(body: str) -> None:
    malformed = rendering.malformed_placeholders(body)
    if malformed:
        raise MalformedPlaceholder(f"Malformed placeholder {malformed[0]!r}; use {{{{name}}}} with a-z, 0-9, _",
                                   placeholders=malformed)


def list_templates(uow: UnitOfWork) -> list[dict[str, Any]]:
    return [template_view(row) for row in ContractsRepository(uow.connection).templates()]


def get_template(uow: UnitOfWork, template_id: UUID) -> dict[str, Any]:
    repository = ContractsRepository(uow.connection)
    row = repository.template(template_id)
    if row is None:
        raise TemplateNotFound(f"No template {template_id}")
    versions = [version_view(version) for version in repository.versions(template_id)]
    return {**template_view(replace(row, latest_version=versions[0]["version"] if versions else 0)),
            "versions": versions}


def create_template(uow: UnitOfWork, principal: Principal, code: str, name: str, self_service: bool,
                    title: str, body: str, effective_from: date) -> dict[str, Any]:
    """A new template with its first published version."""
    _check_body(body)
    repository = ContractsRepository(uow.connection)
    template_id = uuid.uuid4()
    if repository.insert_template(template_id, code, name, self_service, principal.actor) is None:
        raise TemplateCodeTaken(f"Template {code!r} exists")
    repository.insert_version(template_id, title, body, effective_from, principal.actor)
    return get_template(uow, template_id)


def publish_version(uow: UnitOfWork, principal: Principal, template_id: UUID, title: str, body: str,
                    effective_from: date) -> dict[str, Any]:
    """A new immutable version (number = previous + 1, serialised by the template's row lock)."""
    _check_body(body)
    repository = ContractsRepository(uow.connection)
    if repository.template(template_id, lock=True) is None:
        raise TemplateNotFound(f"No template {template_id}")
    return version_view(repository.insert_version(template_id, title, body, effective_from, principal.actor))


# contracts ------------------------------------------------------------------------------------------------------

def _customer_for(principal: Principal, requested: UUID | None) -> UUID:
    return customer_acted_for(principal, requested, field="customer_id", named_by="staff",
                              refusal="Only customers and staff conclude contracts")


def _new_draft(uow: UnitOfWork, template_id: UUID, customer: UUID, parameters: dict[str, str],
               day: date, actor: str) -> Contract:
    """A draft of the template version in effect on `day`, rendered, with its history. The rendered text in the
    database is the record; its copy in the documents bucket is written once the transaction commits (no call
    to S3 while it is open) and again on download if that write was lost."""
    repository = ContractsRepository(uow.connection)
    version = repository.current_version(template_id, day)
    if version is None:
        raise NoVersionInEffect()
    contract_id = uuid.uuid4()
    number = f"{day:%Y}-{repository.next_number():06d}"
    values = {**{k: v.strip() for k, v in parameters.items()}, "contract_number": number,
              "contract_date": f"{day:%d.%m.%Y}", "customer_id": str(customer)}
    missing = rendering.missing_values(version.body, values)
    if missing:
        raise MissingPlaceholders(f"Give values for: {', '.join(missing)}", missing=missing)
    text = rendering.render(version.body, values)
    digest = rendering.sha256_hex(text)
    key_name = documents.document_key(str(customer), str(contract_id), version.version)
    uow.after_commit(lambda: documents.store_quietly(key_name, text, digest))
    row = repository.insert_contract({
        "id": contract_id, "number": number, "customer_id": customer, "template_id": template_id,
        "version": version.version, "title": version.title, "rendered_text": text,
        "document_key": key_name, "document_sha256": digest, "created_by": actor})
    repository.add_history(contract_id, None, "draft", actor)
    return row


def create_contract(uow: UnitOfWork, principal: Principal, key: str, template_id: UUID,
                    customer_id: UUID | None, parameters: dict[str, str],
                    today: date | None = None) -> IdempotentResult:
    """A draft pinned to the template version in effect today; idempotent by Idempotency-Key."""
    customer = _customer_for(principal, customer_id)
    request = {"template": str(template_id), "customer": str(customer), "parameters": parameters}

    def operation() -> tuple[int, dict[str, Any]]:
        repository = ContractsRepository(uow.connection)
        template = repository.template(template_id)
        if template is None:
            raise TemplateNotFound(f"No template {template_id}")
        if not template.self_service and not principal.is_staff:
            raise TemplateNotSelfService()
        row = _new_draft(uow, template_id, customer, parameters, today or datetime.now(UTC).date(),
                         principal.actor)
        return 201, contract_view(row)

    return run_idempotent(uow.connection, f"contract:{principal.actor}", key,
                          fingerprint("contract", request), operation)


def _visible(repository: ContractsRepository, principal: Principal, contract_id: UUID, *,
             lock: bool = False, with_text: bool = False) -> Contract:
    row = repository.contract(contract_id, lock=lock, with_text=with_text)
    if row is None or not (principal.is_staff or str(row.customer_id) == principal.subject):
        raise ContractNotFound(f"No contract {contract_id}")
    return row


def _event_data(row: Contract) -> dict[str, Any]:
    return {"contract_id": str(row.id), "customer_id": str(row.customer_id), "number": row.number,
            "template_id": str(row.template_id), "version": row.version}


def _move(uow: UnitOfWork, repository: ContractsRepository, principal: Principal, row: Contract, action: str,
          reason: str | None = None) -> Contract:
    target = next_status(action, row.status)
    moved = repository.set_status(row.id, target, reason)
    repository.add_history(row.id, row.status, target, principal.actor, reason)
    data = _event_data(moved)
    if target == "signed":
        data["signed_at"] = utc_text_or_none(moved.signed_at)
    if target == "terminated":
        data["reason"] = reason
    record_event(uow, new_event(EVENT_OF_STATUS[target], SERVICE, str(row.id), data))
    return moved


def sign_contract(uow: UnitOfWork, principal: Principal, contract_id: UUID) -> dict[str, Any]:
    """The owner accepts the draft; a self-service contract becomes active at once."""
    repository = ContractsRepository(uow.connection)
    row = _visible(repository, principal, contract_id, lock=True)
    if str(row.customer_id) != principal.subject:
        raise NotContractOwner()
    signed = _move(uow, repository, principal, row, "sign")
    template = repository.template(row.template_id)
    if template is not None and template.self_service:
        signed = _move(uow, repository, principal, signed, "activate")
    return contract_view(signed)


def activate_contract(uow: UnitOfWork, principal: Principal, contract_id: UUID) -> dict[str, Any]:
    repository = ContractsRepository(uow.connection)
    row = _visible(repository, principal, contract_id, lock=True)
    return contract_view(_move(uow, repository, principal, row, "activate"))


def terminate_contract(uow: UnitOfWork, principal: Principal, contract_id: UUID, reason: str) -> dict[str, Any]:
    repository = ContractsRepository(uow.connection)
    row = _visible(repository, principal, contract_id, lock=True)
    return contract_view(_move(uow, repository, principal, row, "terminate", reason.strip()))


def get_contract(uow: UnitOfWork, principal: Principal, contract_id: UUID) -> dict[str, Any]:
    repository = ContractsRepository(uow.connection)
    row = _visible(repository, principal, contract_id)
    return {**contract_view(row), "history": [history_view(h) for h in repository.history(contract_id)]}


def contract_document(principal: Principal, contract_id: UUID,
                      unit_of_work: Callable[[], UnitOfWork] = UnitOfWork) -> dict[str, Any]:
    """A short-lived presigned URL of the stored document, plus its text and SHA-256. The copy in the bucket
    is written first when the one after the contract's commit was lost (after the transaction)."""
    with unit_of_work() as uow:
        row = _visible(ContractsRepository(uow.connection), principal, contract_id, with_text=True)
    text = row.rendered_text or ""  # read with the text: the column is NOT NULL
    documents.ensure_stored(row.document_key, text, row.document_sha256.strip())
    link = documents.presigned_url(row.document_key, f"contract-{row.number}.txt")
    return {"contract_id": str(row.id), "sha256": row.document_sha256.strip(),
            "content_type": documents.CONTENT_TYPE, "text": text, **link}


def list_contracts(uow: UnitOfWork, customer_id: UUID | None, status: str | None, limit: int,
                   cursor: str | None) -> dict[str, Any]:
    rows = ContractsRepository(uow.connection).contracts(customer_id, status, decode_time_id(cursor), limit + 1)
    more = len(rows) > limit
    rows = rows[:limit]
    last = (rows[-1].created_at, rows[-1].id) if more else None
    return time_id_page([contract_view(row) for row in rows], limit, last)


def my_contracts(uow: UnitOfWork, principal: Principal, status: str | None, limit: int,
                 cursor: str | None) -> dict[str, Any]:
    try:
        own = UUID(principal.subject)
    except ValueError:
        return page([], limit, None)
    return list_contracts(uow, own, status, limit, cursor)


# consumers ------------------------------------------------------------------------------------------------------

def _customer_name(event: CloudEvent) -> str:
    """The look-up phase of account.opened (no transaction open): the customer's name, asked from auth."""
    return customer_names().full_name(UUID(str(event.data["owner_id"]))) or ""


def _conclude_account_agreement(uow: UnitOfWork, event: CloudEvent, full_name: str) -> None:
    """Consumer of account.opened (the back-office flow): the account agreement of the account's product is
    concluded from the template version in effect, once per account (the processed-event row makes the event
    apply once; the idempotency key `account_id` makes a second event about the same account change nothing).
    The account was opened on the customer's signed application, so the agreement is in force at once (draft →
    signed → active, by whoever opened the account; the history says so) and announced as contract.activated
    (one notice, not a signed one as well). A missing template raises: the batch is retried until it exists."""
    data = event.data
    account_id, customer = UUID(str(data["account_id"])), UUID(str(data["owner_id"]))
    settings = get_contracts_settings()
    code = settings.account_agreement_templates.get(str(data.get("product_code")), settings.default_account_agreement)
    actor = str(data.get("opened_by") or "accounts")

    def operation() -> tuple[int, dict[str, Any]]:
        repository = ContractsRepository(uow.connection)
        template = repository.template_by_code(code)
        if template is None:
            raise TemplateNotFound(f"No template {code!r} for account agreements")
        draft = _new_draft(uow, template.id, customer,
                           {"full_name": full_name or str(customer), "account_number": str(data["number"])},
                           datetime.now(UTC).date(), actor)
        repository.set_status(draft.id, "signed")
        repository.add_history(draft.id, "draft", "signed", actor, "signed with the account application")
        active = repository.set_status(draft.id, "active")
        repository.add_history(draft.id, "signed", "active", actor, "concluded on account opening")
        record_event(uow, new_event(CONTRACT_ACTIVATED, SERVICE, str(draft.id), _event_data(active)))
        return 201, contract_view(active)

    run_idempotent(uow.connection, "contract:account-opened", str(account_id),
                   fingerprint("account-agreement", {"account": str(account_id)}), operation)


# The name is asked before the processed-event transaction opens (bank_shared.events.consumer.TwoPhase).
conclude_account_agreement = TwoPhase(_customer_name, _conclude_account_agreement)
