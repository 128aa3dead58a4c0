"""The rendered contract as a document in the private statements bucket (bank_shared.documents)."""

from __future__ import annotations

from contextlib import suppress
from typing import Any

from bank_shared import documents
from bank_shared.documents import StoredDocument
from contracts_service.settings import get_contracts_settings

CONTENT_TYPE = "text/plain; charset=utf-8"


class DocumentStoreUnavailable(documents.DocumentStoreUnavailable):
    code, title = "document_store_unavailable", "The contract document store is unavailable"


def document_key(customer_id: str, contract_id: str, version: int) -> str:
    return f"{get_contracts_settings().document_prefix}{customer_id}/{contract_id}/v{version}.txt"


def _stored(key: str, filename: str = "") -> StoredDocument:
    return StoredDocument(get_contracts_settings().statements_bucket, key, CONTENT_TYPE, filename)


def put_document(key: str, text: str, sha256: str) -> None:
    """Store the document (server-side encrypted, its SHA-256 in the metadata); idempotent by key."""
    try:
        documents.put_document(_stored(key), text.encode(), {"sha256": sha256})
    except documents.DocumentStoreUnavailable:
        raise DocumentStoreUnavailable("The contract document could not be stored; try again") from None


def store_quietly(key: str, text: str, sha256: str) -> None:
    """After the contract's commit: a failed write is logged (by put_document) and done again on download."""
    with suppress(DocumentStoreUnavailable):
        put_document(key, text, sha256)


def ensure_stored(key: str, text: str, sha256: str) -> None:
    """Write the document when the bucket lacks it (its write after the commit was lost)."""
    if not documents.is_stored(_stored(key)):
        put_document(key, text, sha256)


def presigned_url(key: str, filename: str) -> dict[str, Any]:
    try:
        return documents.presigned_link(_stored(key, filename), get_contracts_settings().document_url_ttl_seconds)
    except documents.DocumentStoreUnavailable:
        raise DocumentStoreUnavailable() from None
