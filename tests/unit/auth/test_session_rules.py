"""Sign-in and refresh rules in the fast tier, over fake repositories (the rules run, not mocks of them):
a TOTP code already used for a sign-in is refused, a fresh one accepted and recorded; presenting a spent refresh
token revokes its whole family and its access tokens, unless the grace window honours it once more; a live one
rotates."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

import pyotp
import pytest

from auth_service import passwords, service
from auth_service.errors import InvalidMfaCode, RefreshTokenReused
from auth_service.rows import RefreshToken, User
from bank_shared.rows import row_as

SECRET = pyotp.random_base32()
PASSWORD = "Correct-horse-9"


class FakeThrottle:
    def __init__(self) -> None:
        self.failures = 0

    def ensure_not_locked(self, email: str) -> None:
        pass

    def record_failure(self, email: str) -> None:
        self.failures += 1

    def record_success(self, email: str) -> None:
        pass


class FakeUsers:
    def __init__(self, _connection: Any) -> None:
        pass

    user: dict[str, Any] = {}
    used_steps: list[int] = []

    def by_email(self, email: str, for_update: bool = False) -> User | None:
        return row_as(User, self.user) if email == self.user["email"] else None

    def get(self, user_id: UUID) -> User | None:
        return row_as(User, self.user) if user_id == self.user["id"] else None

    def use_mfa_step(self, user_id: UUID, step: int) -> None:
        FakeUsers.used_steps.append(step)
        self.user["mfa_last_step"] = step

    def clear_lock(self, user_id: UUID) -> None:
        pass


class FakeTokens:
    row: dict[str, Any] = {}
    revoked: list[UUID] = []
    rotated: list[UUID] = []
    grace: list[tuple[UUID, int]] = []
    in_grace = False

    def __init__(self, _connection: Any) -> None:
        pass

    def lock_by_hash(self, token_hash: str) -> RefreshToken | None:
        return row_as(RefreshToken, self.row)

    def revoke_family(self, family_id: UUID) -> None:
        FakeTokens.revoked.append(family_id)

    def mark_rotated(self, token_id: UUID) -> None:
        FakeTokens.rotated.append(token_id)

    def accept_in_grace(self, token_id: UUID, grace_seconds: int) -> bool:
        FakeTokens.grace.append((token_id, grace_seconds))
        return self.in_grace


class FakeUow:
    connection = None


@pytest.fixture(autouse=True)
def fakes(monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    now = datetime.now(UTC)
    FakeUsers.user = {"id": uuid.uuid4(), "email": "ann@example.com", "full_name": "Ann", "phone": None,
                      "roles": ["customer"], "password_hash": passwords.hash_password(PASSWORD), "locked_until": None,
                      "mfa_enabled": True, "mfa_secret": SECRET, "mfa_pending_secret": None, "mfa_last_step": None,
                      "status": "active", "created_at": now, "updated_at": now}
    FakeUsers.used_steps, FakeTokens.revoked, FakeTokens.rotated, FakeTokens.grace = [], [], [], []
    FakeTokens.in_grace = False
    sessions: list[Any] = []
    ended: list[Any] = []
    monkeypatch.setattr(service, "UserRepository", FakeUsers)
    monkeypatch.setattr(service, "RefreshTokenRepository", FakeTokens)
    monkeypatch.setattr(service.mfa, "open_secret", lambda stored, user_id: stored)
    monkeypatch.setattr(service, "_issue_session",
                        lambda uow, user, family_id=None, client=None, parent_id=None:
                        sessions.append(family_id) or "session")
    monkeypatch.setattr(service, "_end_sessions", lambda families, strict: ended.append(list(families)))
    return [sessions, ended]


def sign_in(code: str | None) -> Any:
    return service.login(FakeUow(), FakeThrottle(), "ann@example.com", PASSWORD, code)  # type: ignore[arg-type]


def test_a_fresh_code_signs_in_and_the_same_code_again_is_refused(fakes: list[Any]) -> None:
    code = pyotp.TOTP(SECRET).now()
    assert sign_in(code) == "session"
    assert len(FakeUsers.used_steps) == 1  # the step is recorded as used
    assert isinstance(sign_in(code), InvalidMfaCode)  # a replayed code, even within its 30 s
    assert fakes[0] == [None]  # one session only


def test_without_a_code_mfa_is_required() -> None:
    assert getattr(sign_in(None), "code", None) == "mfa_required"


def test_a_spent_refresh_token_revokes_its_whole_family(fakes: list[Any]) -> None:
    family = uuid.uuid4()
    FakeTokens.row = {"id": uuid.uuid4(), "family_id": family, "user_id": FakeUsers.user["id"], "revoked_at": None,
                      "expired": False, "rotated_at": datetime(2026, 1, 1, tzinfo=UTC)}
    assert isinstance(service.refresh(FakeUow(), "spent"), RefreshTokenReused)  # type: ignore[arg-type]
    assert FakeTokens.revoked == [family] and fakes[1] == [[family]] and FakeTokens.rotated == []
    assert fakes[0] == []  # no new session


def test_a_live_refresh_token_rotates_in_its_family(fakes: list[Any]) -> None:
    family, token_id = uuid.uuid4(), uuid.uuid4()
    FakeTokens.row = {"id": token_id, "family_id": family, "user_id": FakeUsers.user["id"], "revoked_at": None,
                      "expired": False, "rotated_at": None}
    assert service.refresh(FakeUow(), "live") == "session"  # type: ignore[arg-type]
    assert FakeTokens.rotated == [token_id] and FakeTokens.revoked == [] and fakes[0] == [family]


def test_a_spent_token_the_grace_window_honours_gets_a_new_token_in_its_family(fakes: list[Any]) -> None:
    family, token_id = uuid.uuid4(), uuid.uuid4()
    FakeTokens.row = {"id": token_id, "family_id": family, "user_id": FakeUsers.user["id"], "revoked_at": None,
                      "expired": False, "rotated_at": datetime(2026, 1, 1, tzinfo=UTC)}
    FakeTokens.in_grace = True
    assert service.refresh(FakeUow(), "just-rotated") == "session"  # type: ignore[arg-type]
    assert FakeTokens.grace == [(token_id, service.get_auth_settings().refresh_reuse_grace_seconds)]
    assert FakeTokens.revoked == [] and fakes[1] == [] and fakes[0] == [family]


def test_a_live_token_does_not_consult_the_grace_window(fakes: list[Any]) -> None:
    FakeTokens.row = {"id": uuid.uuid4(), "family_id": uuid.uuid4(), "user_id": FakeUsers.user["id"],
                      "revoked_at": None, "expired": False, "rotated_at": None}
    assert service.refresh(FakeUow(), "live") == "session"  # type: ignore[arg-type]
    assert FakeTokens.grace == []
