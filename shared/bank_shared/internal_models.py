"""Typed answers of internal routes that several services read, parsed once.

`AccountInfo` is one item of an account look-up (`items` of the accounts service's internal account list): who
owns the account, its currency and status — what fx checks before a quote and utilities before a payment.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from uuid import UUID


@dataclass(frozen=True)
class AccountInfo:
    id: UUID
    owner_id: UUID
    currency: str
    status: str

    @classmethod
    def from_item(cls, item: Mapping[str, Any]) -> AccountInfo:
        return cls(UUID(str(item["id"])), UUID(str(item["owner_id"])), str(item["currency"]), str(item["status"]))
