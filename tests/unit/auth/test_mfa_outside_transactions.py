"""auth's KMS calls for TOTP secrets happen with no database transaction open (docs/architecture.md, the
transaction guard): against moto's KMS with the guard on, a sealed secret met inside a transaction is not
opened there; `in_transaction_opening_secrets` rolls that transaction back, opens it, and runs the use case again."""

from __future__ import annotations

from types import TracebackType
from typing import Any
from uuid import uuid4

import pytest

from auth_service import mfa
from bank_shared.transaction_guard import NetworkCallInTransaction, transaction_closed, transaction_opened


class GuardedUnitOfWork:
    """A unit of work with no database: it only marks the transaction open for the guard, and counts."""

    opened: list[bool] = []

    def __enter__(self) -> GuardedUnitOfWork:
        transaction_opened()
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 traceback: TracebackType | None) -> None:
        transaction_closed()
        GuardedUnitOfWork.opened.append(exc_type is None)


@pytest.fixture
def units(monkeypatch: pytest.MonkeyPatch) -> list[bool]:
    GuardedUnitOfWork.opened = []
    monkeypatch.setattr(mfa, "UnitOfWork", GuardedUnitOfWork)
    return GuardedUnitOfWork.opened


def test_kms_inside_a_transaction_is_refused_by_the_guard(kms: Any) -> None:
    owner = uuid4()
    transaction_opened()
    try:
        with pytest.raises(NetworkCallInTransaction):
            mfa.seal_secret(mfa.new_secret(), owner)
    finally:
        transaction_closed()


def test_a_sealed_secret_is_opened_between_two_transactions(kms: Any, units: list[bool]) -> None:
    owner = uuid4()
    new = mfa.new_sealed_secret(owner)  # no transaction open: the seal's KMS call is allowed
    seen: list[str] = []

    def use_case(_uow: Any) -> str:
        seen.append(mfa.open_secret(new.sealed, owner))  # raises SecretNotOpened the first time
        return "done"

    assert mfa.in_transaction_opening_secrets(use_case) == "done"
    assert seen == [new.secret]
    assert units == [False, True]  # the first unit of work rolled back, the second committed
    transaction_opened()
    try:
        with pytest.raises(mfa.SecretNotOpened):  # the secrets opened for that request are gone with it
            mfa.open_secret(new.sealed, owner)
    finally:
        transaction_closed()


def test_a_legacy_secret_needs_no_second_transaction(units: list[bool]) -> None:
    secret = mfa.new_secret()
    assert mfa.in_transaction_opening_secrets(lambda _uow: mfa.open_secret(secret.encode(), uuid4())) == secret
    assert units == [True]


def test_a_secret_replaced_at_every_attempt_gives_up(kms: Any, units: list[bool]) -> None:
    owner = uuid4()
    stored = [mfa.new_sealed_secret(owner).sealed for _ in range(mfa.OPENING_ATTEMPTS)]  # MFA off and on, again

    def use_case(_uow: Any) -> str:
        return mfa.open_secret(stored.pop(), owner)

    with pytest.raises(mfa.SecretNotOpened):
        mfa.in_transaction_opening_secrets(use_case)
    assert units == [False] * mfa.OPENING_ATTEMPTS
