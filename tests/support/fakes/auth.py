"""In-memory repositories of auth (users, one-time tokens, refresh tokens, the link-mail quota, OAuth clients)
over one shared store, with the database's clock as `now` (a test moves it; nothing waits)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID

from auth_service.rows import ActivatedUser, LiveSession, OAuthClient, RefreshToken, User
from bank_shared.rows import row_as, rows_as

Row = dict[str, Any]
USER_KEYS = ("id", "email", "password_hash", "full_name", "phone", "roles", "status", "locked_until",
             "mfa_enabled", "mfa_secret", "mfa_pending_secret", "mfa_last_step", "created_at")


class AuthStore:
    def __init__(self) -> None:
        self.state: dict[str, Any] = {"users": {}, "one_time": {}, "refresh": {}, "quota": {}, "clients": {}}
        self.now: Callable[[], datetime] = lambda: datetime(2026, 12, 1, 12, 0, tzinfo=UTC)

    def user(self, user_id: UUID) -> Row:
        row: Row = self.state["users"][user_id]
        return row


class _Part:
    def __init__(self, store: AuthStore) -> None:
        self.store = store

    @property
    def state(self) -> dict[str, Any]:
        return self.store.state

    @state.setter
    def state(self, value: dict[str, Any]) -> None:
        self.store.state = value


class InMemoryUsers(_Part):
    def add(self, user_id: UUID, email: str, password_hash: str, full_name: str, phone: str | None,
            roles: Sequence[str], status: str) -> bool:
        if any(u["email"] == email for u in self.state["users"].values()):
            return False
        self.state["users"][user_id] = {
            "id": user_id, "email": email, "password_hash": password_hash, "full_name": full_name, "phone": phone,
            "roles": list(roles), "status": status, "locked_until": None, "mfa_enabled": False,
            "mfa_secret": None, "mfa_pending_secret": None, "mfa_last_step": None,
            "created_at": self.store.now() + timedelta(microseconds=len(self.state["users"])),
            "updated_at": self.store.now()}
        return True

    def by_email(self, email: str, *, for_update: bool = False) -> User | None:
        return next((row_as(User, u) for u in self.state["users"].values() if u["email"] == email), None)

    def get(self, user_id: UUID, *, for_update: bool = False) -> User | None:
        row = self.state["users"].get(user_id)
        return row_as(User, row) if row else None

    def active_by_phone_digits(self, digits: Sequence[str], limit: int) -> list[User]:
        return rows_as(User, [u for u in self.state["users"].values() if u["status"] == "active" and u["phone"]
                              and "".join(c for c in u["phone"] if c.isdigit()) in digits][:limit])

    def search(self, roles: Sequence[str], query: str | None, after: tuple[Any, UUID] | None,
               limit: int, ids: Sequence[UUID] = (), *, status: str | None = None) -> list[User]:
        rows = [u for u in self.state["users"].values() if set(u["roles"]) & set(roles)
                and (status is None or u["status"] == status)
                and (query is None or query.lower() in (u["email"] + u["full_name"]).lower() or u["id"] in ids)
                and (after is None or (u["created_at"], u["id"]) < after)]
        return rows_as(User, sorted(rows, key=lambda u: (u["created_at"], u["id"]), reverse=True)[:limit])

    def _set(self, user_id: UUID, **values: Any) -> None:
        self.state["users"][user_id].update(values)

    def activate(self, user_id: UUID) -> ActivatedUser | None:
        user = self.state["users"].get(user_id)
        if user is None or user["status"] != "pending":
            return None
        user["status"] = "active"
        return row_as(ActivatedUser, user)

    def set_password(self, user_id: UUID, password_hash: str) -> None:
        self._set(user_id, password_hash=password_hash, locked_until=None)

    def set_roles(self, user_id: UUID, roles: Sequence[str]) -> None:
        self._set(user_id, roles=sorted(set(roles)))

    def set_status(self, user_id: UUID, status: str) -> None:
        self._set(user_id, status=status)

    def lock_for(self, user_id: UUID, seconds: int) -> None:
        self._set(user_id, locked_until=self.store.now() + timedelta(seconds=seconds))

    def still_locked(self, user_id: UUID) -> bool:
        until = self.state["users"][user_id]["locked_until"]
        return until is not None and bool(until > self.store.now())

    def clear_lock(self, user_id: UUID) -> None:
        self._set(user_id, locked_until=None)

    def set_mfa_pending(self, user_id: UUID, sealed_secret: bytes | None) -> None:
        self._set(user_id, mfa_pending_secret=sealed_secret)

    def enable_mfa(self, user_id: UUID, sealed_secret: bytes, step: int) -> None:
        self._set(user_id, mfa_enabled=True, mfa_secret=sealed_secret, mfa_pending_secret=None, mfa_last_step=step)

    def disable_mfa(self, user_id: UUID) -> None:
        self._set(user_id, mfa_enabled=False, mfa_secret=None, mfa_pending_secret=None, mfa_last_step=None)

    def use_mfa_step(self, user_id: UUID, step: int) -> None:
        self._set(user_id, mfa_last_step=step)


class InMemoryOneTimeTokens(_Part):
    def add(self, token_hash: str, user_id: UUID, purpose: str, ttl_seconds: int) -> None:
        self.state["one_time"][token_hash] = {"user_id": user_id, "purpose": purpose, "used": False,
                                              "expires_at": self.store.now() + timedelta(seconds=ttl_seconds)}

    def consume(self, token_hash: str, purpose: str) -> UUID | None:
        row = self.state["one_time"].get(token_hash)
        if row is None or row["purpose"] != purpose or row["used"] or row["expires_at"] <= self.store.now():
            return None
        row["used"] = True
        user_id: UUID = row["user_id"]
        return user_id

    def invalidate(self, user_id: UUID, purpose: str) -> None:
        for row in self.state["one_time"].values():
            if row["user_id"] == user_id and row["purpose"] == purpose:
                row["used"] = True


class InMemoryRefreshTokens(_Part):
    def add(self, token_id: UUID, token_hash: str, family_id: UUID, user_id: UUID, ttl_seconds: int,
            client: str | None = None, ip_prefix: str | None = None, parent_id: UUID | None = None) -> None:
        self.state["refresh"][token_hash] = {"id": token_id, "family_id": family_id, "user_id": user_id,
                                             "rotated_at": None, "revoked_at": None, "parent_id": parent_id,
                                             "grace_used_at": None,
                                             "expires_at": self.store.now() + timedelta(seconds=ttl_seconds),
                                             "created_at": self.store.now(), "client": client,
                                             "ip_prefix": ip_prefix, "order": len(self.state["refresh"])}

    def lock_by_hash(self, token_hash: str) -> RefreshToken | None:
        row = self.state["refresh"].get(token_hash)
        return row_as(RefreshToken, {**row, "expired": row["expires_at"] <= self.store.now()}) if row else None

    def mark_rotated(self, token_id: UUID) -> None:
        for row in self.state["refresh"].values():
            if row["id"] == token_id and row["rotated_at"] is None:
                row["rotated_at"] = self.store.now()

    def accept_in_grace(self, token_id: UUID, grace_seconds: int) -> bool:
        rows = self.state["refresh"].values()
        row = next(r for r in rows if r["id"] == token_id)
        successors_moved = any(r["parent_id"] == token_id and (r["rotated_at"] or r["revoked_at"]) for r in rows)
        if (row["grace_used_at"] is not None or successors_moved
                or row["rotated_at"] <= self.store.now() - timedelta(seconds=grace_seconds)):
            return False
        row["grace_used_at"] = self.store.now()
        return True

    def revoke_family(self, family_id: UUID) -> int:
        rows = [r for r in self.state["refresh"].values() if r["family_id"] == family_id and not r["revoked_at"]]
        for row in rows:
            row["revoked_at"] = self.store.now()
        return len(rows)

    def revoke_user(self, user_id: UUID) -> list[UUID]:
        families = []
        for row in self.state["refresh"].values():
            if row["user_id"] == user_id and row["revoked_at"] is None:
                row["revoked_at"] = self.store.now()
                families.append(row["family_id"])
        return sorted(set(families))

    def revoke_user_except(self, user_id: UUID, keep_family: UUID | None) -> list[UUID]:
        families = []
        for row in self.state["refresh"].values():
            if row["user_id"] == user_id and row["revoked_at"] is None and row["family_id"] != keep_family:
                row["revoked_at"] = self.store.now()
                families.append(row["family_id"])
        return sorted(set(families))

    def _live(self, rows: list[Row]) -> bool:
        return any(r["revoked_at"] is None and r["rotated_at"] is None and r["expires_at"] > self.store.now()
                   for r in rows)

    def revoke_user_family(self, user_id: UUID, family_id: UUID) -> bool:
        rows = self.families(user_id).get(family_id, [])
        if not self._live(rows):
            return False
        for row in rows:
            row["revoked_at"] = row["revoked_at"] or self.store.now()
        return True

    def live_sessions(self, user_id: UUID, limit: int) -> list[LiveSession]:
        sessions = []
        for family, rows in self.families(user_id).items():
            if self._live(rows):
                newest = max(rows, key=lambda r: r["order"])
                sessions.append({"id": family, "created_at": min(r["created_at"] for r in rows),
                                 "last_used_at": newest["created_at"], "client": newest["client"],
                                 "ip_prefix": newest["ip_prefix"], "order": newest["order"]})
        sessions.sort(key=lambda s: -s.pop("order"))
        return rows_as(LiveSession, sessions[:limit])

    def families(self, user_id: UUID) -> dict[UUID, list[Row]]:
        found: dict[UUID, list[Row]] = {}
        for row in self.state["refresh"].values():
            if row["user_id"] == user_id:
                found.setdefault(row["family_id"], []).append(row)
        return found


class InMemoryLinkMailQuota(_Part):
    def count_request(self, email: str) -> int:
        window = (email, self.store.now().replace(minute=0, second=0, microsecond=0))
        self.state["quota"][window] = self.state["quota"].get(window, 0) + 1
        return int(self.state["quota"][window])

    def prune(self) -> int:
        old = [w for w in self.state["quota"] if w[1] < self.store.now() - timedelta(days=1)]
        for window in old:
            del self.state["quota"][window]
        return len(old)


class InMemoryClients(_Part):
    def get(self, client_id: str) -> OAuthClient | None:
        row = self.state["clients"].get(client_id)
        return row_as(OAuthClient, row) if row else None
