"""Customers' KYC data for the back office (issue 15 item 3): legal name, date of birth, identity document
and address. The document number is sealed with the data key before the transaction opens (no KMS call
inside it) and never leaves auth: every answer shows it masked. The SQL is KycRepository's
(auth_service.repository); these use cases own the transaction."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any
from uuid import UUID

from auth_service.errors import UserNotFound
from auth_service.repository import KycRepository, UserRepository
from auth_service.rows import CustomerKyc
from auth_service.settings import get_auth_settings
from bank_shared import crypto
from bank_shared.db import Connection, UnitOfWork

PURPOSE = "auth.customer_kyc.document_number"


@dataclass(frozen=True)
class Kyc:
    legal_name: str
    date_of_birth: date
    document_type: str
    document_number: str
    address: str


def masked(number_last4: str) -> str:
    return f"•••• {number_last4}"


def _view(kyc: CustomerKyc) -> dict[str, Any]:
    return {"legal_name": kyc.legal_name, "date_of_birth": kyc.date_of_birth, "document_type": kyc.document_type,
            "document_number_masked": masked(kyc.document_last4), "address": kyc.address,
            "updated_at": kyc.updated_at}


def _customer(connection: Connection, user_id: UUID) -> None:
    user = UserRepository(connection).get(user_id)
    if user is None or "customer" not in user.roles:
        raise UserNotFound()


def get_kyc(uow: UnitOfWork, user_id: UUID) -> dict[str, Any] | None:
    """The customer's KYC data, masked; None when none was recorded yet."""
    _customer(uow.connection, user_id)
    found = KycRepository(uow.connection).get(user_id)
    return None if found is None else _view(found)


def save_kyc(user_id: UUID, kyc: Kyc) -> dict[str, Any]:
    """Record or replace the customer's KYC data; the answer is masked."""
    sealed = crypto.encrypt(kyc.document_number.encode(), {"purpose": PURPOSE, "user_id": str(user_id)},
                            key_id=get_auth_settings().data_key_id)
    with UnitOfWork() as uow:
        _customer(uow.connection, user_id)
        saved = KycRepository(uow.connection).save(user_id, kyc.legal_name, kyc.date_of_birth, kyc.document_type,
                                                   sealed, kyc.document_number[-4:], kyc.address)
    return _view(saved)
