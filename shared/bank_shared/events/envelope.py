"""The CloudEvents 1.0 (structured JSON) envelope every domain event travels in."""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from bank_shared.timestamps import utc_text

SPEC_VERSION = "1.0"
SOURCE_PREFIX = "urn:bank:"


@dataclass(frozen=True)
class CloudEvent:
    type: str
    source: str
    subject: str
    data: dict[str, Any]
    id: str = field(default_factory=lambda: str(uuid.uuid4()))
    time: str = field(default_factory=lambda: utc_text(datetime.now(UTC)))
    dataschemaversion: str = "1"
    correlationid: str | None = None

    def to_dict(self) -> dict[str, Any]:
        body: dict[str, Any] = {
            "specversion": SPEC_VERSION,
            "id": self.id,
            "source": self.source,
            "type": self.type,
            "subject": self.subject,
            "time": self.time,
            "datacontenttype": "application/json",
            "dataschemaversion": self.dataschemaversion,
            "data": self.data,
        }
        if self.correlationid:
            body["correlationid"] = self.correlationid
        return body

    def to_json(self) -> bytes:
        return json.dumps(self.to_dict(), separators=(",", ":"), default=str).encode()

    @classmethod
    def from_dict(cls, raw: dict[str, Any]) -> CloudEvent:
        missing = [key for key in ("id", "source", "type", "data") if key not in raw]
        if missing:
            raise ValueError(f"not a CloudEvent, missing {missing}")
        return cls(
            type=raw["type"],
            source=raw["source"],
            subject=raw.get("subject", ""),
            data=raw["data"],
            id=raw["id"],
            time=raw.get("time", ""),
            dataschemaversion=str(raw.get("dataschemaversion", "1")),
            correlationid=raw.get("correlationid"),
        )


def new_event(event_type: str, service: str, subject: str, data: dict[str, Any]) -> CloudEvent:
    """A new event of `event_type` (also its topic) about aggregate `subject`, carrying the request id."""
    from bank_shared.observability import current_request_id

    return CloudEvent(
        type=event_type,
        source=SOURCE_PREFIX + service,
        subject=subject,
        data=data,
        correlationid=current_request_id(),
    )
