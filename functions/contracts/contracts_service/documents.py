"""The rendered contract as a document in the private statements bucket (S3; LocalStack locally)."""

from __future__ import annotations

from contextlib import suppress
from typing import Any

from bank_shared.aws import client
from bank_shared.errors import DependencyUnavailable
from bank_shared.observability import logger
from contracts_service.settings import get_contracts_settings

CONTENT_TYPE = "text/plain; charset=utf-8"


class DocumentStoreUnavailable(DependencyUnavailable):
    code, title = "document_store_unavailable", "The contract document store is unavailable"


def document_key(customer_id: str, contract_id: str, version: int) -> str:
    return f"{get_contracts_settings().document_prefix}{customer_id}/{contract_id}/v{version}.txt"


def put_document(key: str, text: str, sha256: str) -> None:
    """Store the document (server-side encrypted, its SHA-256 in the metadata); idempotent by key."""
    settings = get_contracts_settings()
    try:
        client("s3").put_object(Bucket=settings.statements_bucket, Key=key, Body=text.encode(),
                                ContentType=CONTENT_TYPE, ServerSideEncryption="AES256",
                                Metadata={"sha256": sha256})
    except Exception as error:  # noqa: BLE001 - any storage failure means the contract cannot be created
        logger.warning("contract document upload failed", extra={"key": key, "error": type(error).__name__})
        raise DocumentStoreUnavailable("The contract document could not be stored; try again") from None


def store_quietly(key: str, text: str, sha256: str) -> None:
    """After the contract's commit: a failed write is logged (by put_document) and done again on download."""
    with suppress(DocumentStoreUnavailable):
        put_document(key, text, sha256)


def ensure_stored(key: str, text: str, sha256: str) -> None:
    """Write the document when the bucket lacks it (its write after the commit was lost)."""
    settings = get_contracts_settings()
    try:
        client("s3").head_object(Bucket=settings.statements_bucket, Key=key)
        return
    except Exception as error:  # noqa: BLE001 - missing (404) or unreachable: writing it tells which
        logger.info("contract document not in the bucket; writing it", extra={"key": key,
                                                                              "error": type(error).__name__})
    put_document(key, text, sha256)


def presigned_url(key: str, filename: str) -> dict[str, Any]:
    settings = get_contracts_settings()
    try:
        url = client("s3").generate_presigned_url(
            "get_object",
            Params={"Bucket": settings.statements_bucket, "Key": key,
                    "ResponseContentType": CONTENT_TYPE,
                    "ResponseContentDisposition": f'attachment; filename="{filename}"'},
            ExpiresIn=settings.document_url_ttl_seconds,
        )
    except Exception:  # noqa: BLE001 - presigning is local, but a misconfigured client must not 500
        raise DocumentStoreUnavailable() from None
    return {"url": url, "expires_in": settings.document_url_ttl_seconds}
