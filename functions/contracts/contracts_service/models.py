"""The contracts service's response models: what each route answers, as the OpenAPI and the SPA's types read."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

ContractStatus = Literal["draft", "signed", "active", "terminated"]


class Template(BaseModel):
    id: str
    code: str
    name: str
    self_service: bool
    latest_version: int | None
    created_at: str | None


class TemplateList(BaseModel):
    items: list[Template]


class TemplateVersion(BaseModel):
    template_id: str
    version: int
    title: str
    body: str
    placeholders: list[str]
    effective_from: str
    published_by: str
    published_at: str | None


class TemplateDetail(Template):
    versions: list[TemplateVersion]


class Contract(BaseModel):
    id: str
    number: str
    customer_id: str
    template_id: str
    template_version: int
    title: str
    status: ContractStatus
    document_sha256: str
    created_by: str
    created_at: str | None
    signed_at: str | None
    activated_at: str | None
    terminated_at: str | None
    termination_reason: str | None


class ContractPage(BaseModel):
    items: list[Contract]
    next_cursor: str | None


class StatusChange(BaseModel):
    from_status: str | None
    to_status: str
    changed_by: str
    changed_at: str | None
    reason: str | None


class ContractDetail(Contract):
    history: list[StatusChange]


class ContractDocument(BaseModel):
    contract_id: str
    sha256: str
    content_type: str
    text: str
    url: str = Field(description="A short-lived presigned link to the stored document")
    expires_in: int = Field(description="Seconds the link stays valid")
