"""The accounts service's response models (Account and Card, which others relay, are in bank_shared.answers)."""

from __future__ import annotations

from pydantic import BaseModel

from bank_shared.answers import Account, Card


class Product(BaseModel):
    code: str
    name: str
    kind: str
    currencies: list[str]
    self_service: bool
    overdraft_limit_minor: int


class ProductList(BaseModel):
    items: list[Product]


class CardList(BaseModel):
    items: list[Card]


class AccountList(BaseModel):
    items: list[Account]
