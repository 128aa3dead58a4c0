"""HTTP routes of the customer's documents: receipts, requisites, statements (customer_service.documents)."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Query
from fastapi.responses import Response
from pydantic import BaseModel, Field

from bank_shared.auth import CustomerPrincipal, Principal, customer_id
from bank_shared.pdf import PDF_RESPONSES, pdf_response, render_pdf
from customer_service import documents
from customer_service.clients import get_services
from customer_service.document_texts import Lang
from customer_service.settings import get_customer_settings

router = APIRouter(tags=["customer-documents"])
Language = Annotated[Lang, Query(description="The document's language")]


def _user_id(principal: Principal) -> UUID:
    return customer_id(principal, "Only customers have documents")


def _timeout() -> float:
    return get_customer_settings().customer_dependency_timeout_seconds


class Requisites(BaseModel):
    account_id: UUID
    account_number: str = Field(examples=["40817810200010000014"])
    currency: str = Field(examples=["RUB"])
    holder: str = Field(description="The account holder's full name")
    bank_name: str
    bic: str = Field(examples=["044525999"])
    correspondent_account: str
    inn: str = Field(description="The bank's INN")
    kpp: str = Field(description="The bank's KPP")
    bank_address: str


class StatementRequest(BaseModel):
    account_id: UUID
    date_from: date = Field(alias="from", description="First day of the period")
    date_to: date = Field(alias="to", description="Last day of the period (included)")
    format: documents.StatementFormat = "pdf"
    lang: Lang = "ru"


class StatementLink(BaseModel):
    url: str = Field(description="A presigned link to the stored statement")
    expires_in: int = Field(description="Seconds the link stays valid")
    filename: str
    format: documents.StatementFormat
    operations: int = Field(description="Postings in the period")


@router.get("/operations/{transaction_id}/receipt.pdf", response_class=Response, responses=PDF_RESPONSES)
def operation_receipt(transaction_id: UUID, principal: CustomerPrincipal, lang: Language = "ru") -> Response:
    """The receipt of an operation on one of the caller's accounts, as a PDF (404 `operation_not_found` for
    anyone else's)."""
    document = documents.receipt(get_services(), _user_id(principal), transaction_id, lang, _timeout())
    return pdf_response(render_pdf(document), f"receipt-{transaction_id}.pdf")


@router.get("/accounts/{account_id}/requisites", response_model=Requisites)
def account_requisites(account_id: UUID, principal: CustomerPrincipal) -> dict[str, Any]:
    """Details for an incoming transfer from another bank: account number, holder, the bank's name, BIC,
    correspondent account, INN and KPP (from configuration)."""
    return documents.requisites(get_services(), _user_id(principal), account_id, _timeout())


@router.get("/accounts/{account_id}/requisites.pdf", response_class=Response, responses=PDF_RESPONSES)
def account_requisites_pdf(account_id: UUID, principal: CustomerPrincipal, lang: Language = "ru") -> Response:
    """The account's requisites as a PDF to share."""
    details = documents.requisites(get_services(), _user_id(principal), account_id, _timeout())
    return pdf_response(render_pdf(documents.requisites_document(details, lang)),
                        f"requisites-{details['account_number']}.pdf")


@router.post("/statements", response_model=StatementLink, status_code=201)
def create_statement(request: StatementRequest, principal: CustomerPrincipal) -> dict[str, Any]:
    """A statement of one of the caller's accounts for a period, generated from the ledger as PDF or CSV,
    stored in the private statements bucket and answered as a short-lived presigned link."""
    order = documents.StatementOrder(_user_id(principal), request.account_id, request.date_from, request.date_to,
                                     request.format, request.lang)
    return documents.statement(get_services(), order, _timeout())
