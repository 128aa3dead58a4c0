"""The KYC data's shape on the wire, shared by auth (which keeps it) and office (which edits and shows it for
employees): a request carries the document number, every answer only its masked form."""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, Field, SecretStr

DocumentType = Literal["passport_ru", "passport_foreign", "residence_permit"]


class KycRequest(BaseModel):
    legal_name: str = Field(min_length=1, max_length=300)
    date_of_birth: date
    document_type: DocumentType
    document_number: SecretStr = Field(min_length=4, max_length=40, description="Stored encrypted, shown masked")
    address: str = Field(min_length=5, max_length=500)


class KycView(BaseModel):
    legal_name: str
    date_of_birth: date
    document_type: DocumentType
    document_number_masked: str = Field(examples=["•••• 6789"])
    address: str
    updated_at: datetime


class KycAnswer(BaseModel):
    kyc: KycView | None
