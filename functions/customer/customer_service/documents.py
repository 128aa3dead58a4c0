# ruff: noqa: RUF001 - Russian document text (Cyrillic letters and the minus sign are intended)
"""The customer's documents: a receipt of an operation (PDF), an account's requisites (on screen and PDF) and a
statement for a period (PDF or CSV, generated from the ledger's postings, stored in the statements bucket and
handed out as a short-lived link). Only the caller's own accounts: anyone else's is simply not found."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any, Literal
from uuid import UUID

from bank_shared.bank_details import get_bank_details
from bank_shared.csv_export import csv_bytes
from bank_shared.documents import StoredDocument, presigned_link, put_document
from bank_shared.errors import AccountNotFound, NotFound, Unprocessable
from bank_shared.pdf import Document, Table, money_text, render_pdf
from customer_service.clients import Services
from customer_service.document_texts import Lang, counterparty_text, label, moscow_time, type_label
from customer_service.settings import get_customer_settings

StatementFormat = Literal["pdf", "csv"]
CSV_MEDIA_TYPE = "text/csv; charset=utf-8"


class OperationNotFound(NotFound):
    code, title = "operation_not_found", "Operation not found"


class InvalidPeriod(Unprocessable):
    code, title = "invalid_period", "The statement period is not valid"


def _issuer(lang: Lang) -> tuple[str, ...]:
    bank = get_bank_details()
    return (bank.name_en if lang == "en" else bank.name,
            f"{label('bic', lang)} {bank.bic} · {label('inn', lang)} {bank.inn} · {label('kpp', lang)} {bank.kpp}",
            bank.address)


def own_account(services: Services, user_id: UUID, account_id: UUID, timeout: float) -> dict[str, Any]:
    found = services.accounts(timeout, account_ids=[account_id])
    account = next((a for a in found if a["owner_id"] == str(user_id)), None)
    if account is None:
        raise AccountNotFound(f"No account {account_id}")
    return account


def receipt(services: Services, user_id: UUID, transaction_id: UUID, lang: Lang, timeout: float) -> Document:
    """The receipt of one operation that touched one of the caller's accounts."""
    operation = services.transaction(transaction_id, timeout)
    if operation is None:
        raise OperationNotFound(f"No operation {transaction_id}")
    ids = list(dict.fromkeys(UUID(p["account_id"]) for p in operation["postings"]))
    accounts = {a["id"]: a for a in services.accounts(timeout, account_ids=ids)}
    if not any(a["owner_id"] == str(user_id) for a in accounts.values()):
        raise OperationNotFound(f"No operation {transaction_id}")  # someone else's: not found, not forbidden

    def number(account_id: str) -> str:
        account = accounts.get(account_id)
        if account is None:
            return "—"  # a bank account of the ledger (cash, settlement)
        return account["number"] if account["owner_id"] == str(user_id) else f"•• {account['number'][-4:]}"

    fields = [(label("operation", lang), type_label(operation["type"], lang)),
              (label("operation_id", lang), operation["id"]),
              (label("when", lang), moscow_time(operation["created_at"])),
              (label("status", lang), label("reversed" if operation.get("reversed_by") else "executed", lang))]
    for posting in operation["postings"]:
        side = "debit_account" if posting["direction"] == "debit" else "credit_account"
        fields.append((label(side, lang), number(posting["account_id"])))
    own = [p["account_id"] for p in operation["postings"] if accounts.get(p["account_id"], {}).get("owner_id")
           == str(user_id)]
    parties = operation.get("counterparties") or {}
    party = counterparty_text(next((parties[a] for a in own if a in parties), None), lang)
    if party:
        fields.append((label("counterparty", lang), party))
    debit = next((p for p in operation["postings"] if p["direction"] == "debit"), operation["postings"][0])
    fields += [(label("amount", lang), money_text(debit["amount"]["amount"], debit["amount"]["currency"])),
               (label("fee", lang), money_text("0.00", debit["amount"]["currency"]))]
    if operation.get("description"):
        fields.append((label("purpose", lang), operation["description"]))
    return Document(label("receipt", lang), _issuer(lang), fields, note=label("generated", lang))


def requisites(services: Services, user_id: UUID, account_id: UUID, timeout: float) -> dict[str, Any]:
    """What another bank needs to send money to this account."""
    account = own_account(services, user_id, account_id, timeout)
    profile = services.profile(user_id, timeout)
    bank = get_bank_details()
    return {"account_id": account["id"], "account_number": account["number"], "currency": account["currency"],
            "holder": profile.get("full_name") or "", "bank_name": bank.name, "bic": bank.bic,
            "correspondent_account": bank.correspondent_account, "inn": bank.inn, "kpp": bank.kpp,
            "bank_address": bank.address}


def requisites_document(details: dict[str, Any], lang: Lang) -> Document:
    names = ("holder", "account_number", "currency", "bank_name", "bic", "correspondent_account", "inn", "kpp")
    fields = [(label("bank" if name == "bank_name" else name, lang), str(details[name])) for name in names]
    return Document(label("requisites", lang), _issuer(lang), fields, note=label("generated", lang))


@dataclass(frozen=True)
class StatementOrder:
    user_id: UUID
    account_id: UUID
    since: date
    until: date  # inclusive
    format: StatementFormat
    lang: Lang


def _check_period(order: StatementOrder) -> None:
    if order.until < order.since:
        raise InvalidPeriod("The period ends before it starts")
    if (order.until - order.since).days >= get_customer_settings().statement_max_days:
        raise InvalidPeriod(f"A statement covers at most {get_customer_settings().statement_max_days} days")


def _csv(postings: list[dict[str, Any]], lang: Lang) -> bytes:
    """Spreadsheet-safe (bank_shared.csv_export): a description typed by a customer never runs as a formula."""
    header = ["created_at", "transaction_id", "type", "direction", "amount", "currency", "description",
              "counterparty"]
    rows = [[p["created_at"], p["transaction_id"], type_label(p["type"], lang), p["direction"],
             Decimal(p["amount"]["amount"]) if p["direction"] == "credit" else -Decimal(p["amount"]["amount"]),
             p["amount"]["currency"], p["description"], counterparty_text(p.get("counterparty"), lang)]
            for p in postings]
    return csv_bytes(header, rows)


def _total(postings: list[dict[str, Any]], direction: str) -> int:
    return sum(int(p["amount"]["amount"].replace(".", "")) for p in postings if p["direction"] == direction)


def _pdf(account: dict[str, Any], order: StatementOrder, postings: list[dict[str, Any]]) -> bytes:
    lang, currency = order.lang, account["currency"]
    exponent = len(postings[0]["amount"]["amount"].partition(".")[2]) if postings else 2

    def minor_text(minor: int) -> str:
        text = str(minor).rjust(exponent + 1, "0")
        return money_text(f"{text[:-exponent]}.{text[-exponent:]}" if exponent else text, currency)

    rows = [(moscow_time(p["created_at"]), type_label(p["type"], lang),
             counterparty_text(p.get("counterparty"), lang), p["description"],
             money_text(p["amount"]["amount"], currency, "+" if p["direction"] == "credit" else "−"))
            for p in postings]
    fields = [(label("account", lang), account["number"]),
              (label("period", lang), f"{order.since:%d.%m.%Y} — {order.until:%d.%m.%Y}"),
              (label("credits", lang), minor_text(_total(postings, "credit"))),
              (label("debits", lang), minor_text(_total(postings, "debit"))),
              (label("count", lang), str(len(postings)))]
    table = Table((label("date", lang), label("operation", lang), label("counterparty", lang), label("purpose", lang),
                   label("amount", lang)), (0.2, 0.16, 0.18, 0.26, 0.2), rows, ("L", "L", "L", "L", "R"))
    return render_pdf(Document(label("statement", lang), _issuer(lang), fields, table, label("generated", lang)))


def statement(services: Services, order: StatementOrder, timeout: float) -> dict[str, Any]:
    """Generate the statement, store it, answer a short-lived link to it."""
    _check_period(order)
    account = own_account(services, order.user_id, order.account_id, timeout)
    postings = services.account_postings(order.account_id, order.since.isoformat(),
                                         (order.until + timedelta(days=1)).isoformat(), timeout)
    body = _csv(postings, order.lang) if order.format == "csv" else _pdf(account, order, postings)
    settings = get_customer_settings()
    filename = f"statement-{account['number']}-{order.since:%Y%m%d}-{order.until:%Y%m%d}.{order.format}"
    stored = StoredDocument(settings.statements_bucket,
                            f"{settings.statement_prefix}{order.user_id}/{order.account_id}/{uuid.uuid4()}"
                            f".{order.format}", CSV_MEDIA_TYPE if order.format == "csv" else "application/pdf",
                            filename)
    put_document(stored, body)
    return {**presigned_link(stored, settings.statement_url_ttl_seconds), "filename": filename,
            "format": order.format, "operations": len(postings)}
