"""Opaque cursors for `?limit=&cursor=` lists: base64url JSON of the last row's sort key."""

from __future__ import annotations

import base64
import binascii
import json
from datetime import datetime
from typing import Any
from uuid import UUID

from bank_shared.errors import BadRequest

DEFAULT_LIMIT = 50
MAX_LIMIT = 200


class InvalidCursor(BadRequest):
    code, title = "invalid_cursor", "Invalid pagination cursor"


def encode_cursor(position: dict[str, Any]) -> str:
    raw = json.dumps(position, separators=(",", ":"), default=str).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str | None) -> dict[str, Any] | None:
    if not cursor:
        return None
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        value = json.loads(base64.urlsafe_b64decode(padded.encode()))
    except (binascii.Error, ValueError, UnicodeDecodeError):
        raise InvalidCursor("The cursor is not one this API issued") from None
    if not isinstance(value, dict):
        raise InvalidCursor("The cursor is not one this API issued")
    return value


def page(items: list[Any], limit: int, next_position: dict[str, Any] | None) -> dict[str, Any]:
    return {"items": items, "next_cursor": encode_cursor(next_position) if next_position else None}


TimeId = tuple[datetime, UUID]


def decode_time_id(cursor: str | None) -> TimeId | None:
    """The (timestamp, id) position of a newest-first list keyed by both, from a cursor `time_id_page` issued."""
    position = decode_cursor(cursor)
    if position is None:
        return None
    try:
        return datetime.fromisoformat(str(position["t"])), UUID(str(position["id"]))
    except (KeyError, ValueError, TypeError):
        raise InvalidCursor("The cursor is not one this API issued") from None


def time_id_page(items: list[Any], limit: int, after: TimeId | None) -> dict[str, Any]:
    """A page whose next cursor carries the (timestamp, id) of its last row, when there is more."""
    return page(items, limit, {"t": after[0].isoformat(), "id": str(after[1])} if after else None)
