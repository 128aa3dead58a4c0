# ruff: noqa: RUF001 - Russian document text (Cyrillic letters and the minus sign are intended)
"""The bank's own requisites (name, BIC, correspondent account, INN, KPP), from configuration: shown on an
account's requisites, on receipts and on statements. The defaults are the local stack's fictional bank."""

from __future__ import annotations

from functools import lru_cache

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class BankDetails(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="BANK_", extra="ignore", case_sensitive=False)

    name: str = "АО «Банк Северный»"
    name_en: str = "Severny Bank JSC"
    bic: str = Field(default="044525999", pattern=r"^[0-9]{9}$")
    correspondent_account: str = Field(default="30101810400000000999", pattern=r"^[0-9]{20}$")
    inn: str = Field(default="7700000999", pattern=r"^[0-9]{10}$")
    kpp: str = Field(default="770001001", pattern=r"^[0-9]{9}$")
    address: str = "125009, г. Москва, ул. Примерная, д. 1"


@lru_cache(maxsize=1)
def get_bank_details() -> BankDetails:
    return BankDetails()
