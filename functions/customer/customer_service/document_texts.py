# ruff: noqa: RUF001 - Russian document text (Cyrillic letters and the minus sign are intended)
"""The words of the customer's documents (receipts, requisites, statements) in Russian and English."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any, Literal

Lang = Literal["ru", "en"]
MOSCOW = timezone(timedelta(hours=3), "MSK")  # no daylight saving since 2014

LABELS: dict[str, tuple[str, str]] = {
    "receipt": ("Квитанция об операции", "Operation receipt"),
    "requisites": ("Реквизиты счёта", "Account details"),
    "statement": ("Выписка по счёту", "Account statement"),
    "operation": ("Операция", "Operation"),
    "operation_id": ("Номер операции", "Operation number"),
    "when": ("Дата и время (МСК)", "Date and time (MSK)"),
    "status": ("Статус", "Status"),
    "executed": ("Исполнено", "Completed"),
    "reversed": ("Отменено", "Reversed"),
    "debit_account": ("Счёт списания", "Debited account"),
    "credit_account": ("Счёт зачисления", "Credited account"),
    "amount": ("Сумма", "Amount"),
    "fee": ("Комиссия", "Fee"),
    "purpose": ("Назначение", "Purpose"),
    "holder": ("Получатель", "Beneficiary"),
    "account_number": ("Номер счёта", "Account number"),
    "currency": ("Валюта", "Currency"),
    "bank": ("Банк получателя", "Beneficiary's bank"),
    "bic": ("БИК", "BIC"),
    "correspondent_account": ("Корр. счёт", "Correspondent account"),
    "inn": ("ИНН банка", "Bank's INN"),
    "kpp": ("КПП банка", "Bank's KPP"),
    "period": ("Период", "Period"),
    "credits": ("Поступления", "Credits"),
    "debits": ("Списания", "Debits"),
    "count": ("Операций", "Operations"),
    "date": ("Дата", "Date"),
    "account": ("Счёт", "Account"),
    "generated": ("Документ сформирован автоматически и действителен без подписи.",
                  "This document was generated automatically and is valid without a signature."),
    "type.transfer": ("Перевод", "Transfer"),
    "type.topup": ("Пополнение", "Top-up"),
    "type.exchange": ("Обмен валюты", "Currency exchange"),
    "type.hold_capture": ("Оплата картой", "Card payment"),
    "type.reversal": ("Отмена операции", "Reversal"),
    "type.issuance": ("Выпуск средств", "Issuance"),
    "counterparty": ("Контрагент", "Counterparty"),
    "party.cash_desk": ("Касса банка", "Bank cash desk"),
    "party.bank": ("Банк", "The bank"),
}


def label(name: str, lang: Lang) -> str:
    ru, en = LABELS.get(name, (name, name))
    return en if lang == "en" else ru


def type_label(kind: str, lang: Lang) -> str:
    return label(f"type.{kind}", lang) if f"type.{kind}" in LABELS else kind


def counterparty_text(party: dict[str, Any] | None, lang: Lang) -> str:
    """The other side of an operation as a document names it (docs/money.md#counterparty); "" when none."""
    if not party:
        return ""
    if party.get("name"):
        return str(party["name"])
    return label(f"party.{party['kind']}", lang) if f"party.{party['kind']}" in LABELS else ""


def moscow_time(iso: str) -> str:
    """"2026-12-03T08:00:00Z" → "03.12.2026 11:00:00"."""
    return datetime.fromisoformat(iso.replace("Z", "+00:00")).astimezone(MOSCOW).strftime("%d.%m.%Y %H:%M:%S")
