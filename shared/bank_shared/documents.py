"""Documents in the private statements bucket (S3; LocalStack locally): store one, hand out a short-lived
presigned link to it. Nothing is ever public: the bucket blocks public access and every link expires."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from bank_shared.aws import client
from bank_shared.errors import DependencyUnavailable
from bank_shared.observability import logger


class DocumentStoreUnavailable(DependencyUnavailable):
    code, title = "document_store_unavailable", "The document store is unavailable"


@dataclass(frozen=True)
class StoredDocument:
    bucket: str
    key: str
    content_type: str
    filename: str


def put_document(document: StoredDocument, body: bytes, metadata: dict[str, str] | None = None) -> None:
    """Store the document (server-side encrypted); idempotent by key."""
    try:
        client("s3").put_object(Bucket=document.bucket, Key=document.key, Body=body,
                                ContentType=document.content_type, ServerSideEncryption="AES256",
                                Metadata=metadata or {})
    except Exception as error:  # noqa: BLE001 - any storage failure means the document cannot be handed out
        logger.warning("document upload failed", extra={"key": document.key, "error": type(error).__name__})
        raise DocumentStoreUnavailable("The document could not be stored; try again") from None


def is_stored(document: StoredDocument) -> bool:
    """Whether the bucket holds the document (False also when the store cannot be asked: writing tells which)."""
    try:
        client("s3").head_object(Bucket=document.bucket, Key=document.key)
    except Exception as error:  # noqa: BLE001 - missing (404) or unreachable
        logger.info("document not in the bucket", extra={"key": document.key, "error": type(error).__name__})
        return False
    return True


def presigned_link(document: StoredDocument, ttl_seconds: int) -> dict[str, Any]:
    """{"url", "expires_in"}: a GET link to the stored document, saved by the browser as its filename."""
    try:
        url = client("s3").generate_presigned_url(
            "get_object",
            Params={"Bucket": document.bucket, "Key": document.key, "ResponseContentType": document.content_type,
                    "ResponseContentDisposition": f'attachment; filename="{document.filename}"'},
            ExpiresIn=ttl_seconds,
        )
    except Exception:  # noqa: BLE001 - presigning is local, but a misconfigured client must not 500
        raise DocumentStoreUnavailable() from None
    return {"url": url, "expires_in": ttl_seconds}
