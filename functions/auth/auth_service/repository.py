"""SQL for users, one-time tokens, refresh-token families, OAuth2 clients and customers' KYC data (explicit,
parametrised)."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from datetime import date
from typing import Any
from uuid import UUID

from auth_service.rows import (
    ActivatedUser,
    CustomerKyc,
    LiveSession,
    MfaSecrets,
    OAuthClient,
    RefreshToken,
    User,
)
from bank_shared.db import Repository
from bank_shared.money import is_ascii_digits
from bank_shared.rows import row_as, row_or_none, rows_as
from bank_shared.sql_filters import Filter

_USER_COLUMNS = ("id, email, password_hash, full_name, phone, status, roles, mfa_enabled, mfa_secret, "
                 "mfa_pending_secret, mfa_last_step, locked_until, created_at, updated_at")
_KYC_COLUMNS = "legal_name, date_of_birth, document_type, document_last4, address, updated_at"
# A TOTP secret in bank_shared.crypto's sealed format starts with its version byte 1; base32 text never does.
_UNSEALED = "({column} IS NOT NULL AND get_byte({column}, 0) <> 1)"


def normalise_name(text: str) -> str:
    """The query's side of migration 0006's `search_name`: lower case in any script, ё as its plain letter."""
    return text.lower().replace("\u0451", "\u0435")


def _query_match(where: Filter, query: str, ids: Sequence[UUID]) -> None:
    """Adds to `where` the alternatives a search query matches: e-mail, normalised name (both case-insensitive
    in any alphabet: `Filter.search`), and the phone by its digits (the last ten when ten or more are given, so
    +7 999 …, 8 (999) … and 999… find the same number), or being one of `ids`."""
    by_email = Filter().search(("email",), query)
    by_name = Filter().search(("search_name",), normalise_name(query))
    digits = "".join(char for char in query if is_ascii_digits(char))
    by_phone = Filter()
    if len(digits) >= 3:
        by_phone.where("regexp_replace(coalesce(phone, ''), '[^0-9]', '', 'g') LIKE %s", f"%{digits[-10:]}%")
    where.either(by_email, by_name, by_phone, Filter().any_of("id", ids))


class UserRepository(Repository):
    def add(self, user_id: UUID, email: str, password_hash: str, full_name: str, phone: str | None,
            roles: Sequence[str], status: str) -> bool:
        """False when the e-mail is taken (nothing inserted)."""
        row = self.connection.execute(
            "INSERT INTO users (id, email, password_hash, full_name, phone, roles, status) "
            "VALUES (%s, %s, %s, %s, %s, %s, %s) ON CONFLICT (email) DO NOTHING RETURNING id",
            (user_id, email, password_hash, full_name, phone, list(roles), status),
        ).fetchone()
        return row is not None

    def by_email(self, email: str, *, for_update: bool = False) -> User | None:
        lock = " FOR UPDATE" if for_update else ""
        return row_or_none(User, self.connection.execute(
            f"SELECT {_USER_COLUMNS} FROM users WHERE email = %s{lock}", (email,)
        ).fetchone())

    def get(self, user_id: UUID, *, for_update: bool = False) -> User | None:
        lock = " FOR UPDATE" if for_update else ""
        return row_or_none(User, self.connection.execute(
            f"SELECT {_USER_COLUMNS} FROM users WHERE id = %s{lock}", (user_id,)
        ).fetchone())

    def active_by_phone_digits(self, digits: Sequence[str], limit: int) -> list[User]:
        """Active users whose phone, stripped to its digits, is one of `digits` (uses users_phone_digits_idx)."""
        return rows_as(User, self.connection.execute(
            f"SELECT {_USER_COLUMNS} FROM users WHERE regexp_replace(phone, '[^0-9]', '', 'g') = ANY(%s) "
            "AND phone IS NOT NULL AND status = 'active' ORDER BY created_at, id LIMIT %s",
            (list(digits), limit),
        ).fetchall())

    def search(self, roles: Sequence[str], query: str | None, after: tuple[Any, UUID] | None,
               limit: int, ids: Sequence[UUID] = (), *, status: str | None = None) -> list[User]:
        """Users holding any of `roles`, newest first, optionally matching `query` as a substring of the
        e-mail or of the name in any script (case-insensitive, ё as its plain letter: the `search_name` column
        of migration 0006), or of the phone's digits, or being one of `ids` (owners of a matching account or
        card, found by office), and in `status` when given; keyset-paginated by (created_at, id)."""
        where = Filter().where("roles && %s::text[]", list(roles)).equals("status", status or None)
        if query:
            _query_match(where, query, ids)
        where.after(("created_at", "id"), after)
        return rows_as(User, self.connection.execute(
            *where.page(f"SELECT {_USER_COLUMNS} FROM users", ("created_at", "id"), limit)
        ).fetchall())

    def set_phone_if_missing(self, user_id: UUID, phone: str) -> None:
        self.connection.execute(
            "UPDATE users SET phone = %s, updated_at = now() WHERE id = %s AND phone IS NULL", (phone, user_id)
        )

    def activate(self, user_id: UUID) -> ActivatedUser | None:
        return row_or_none(ActivatedUser, self.connection.execute(
            "UPDATE users SET status = 'active', updated_at = now() WHERE id = %s AND status = 'pending' "
            "RETURNING id, email",
            (user_id,),
        ).fetchone())

    def set_password(self, user_id: UUID, password_hash: str) -> None:
        self.connection.execute(
            "UPDATE users SET password_hash = %s, locked_until = NULL, updated_at = now() WHERE id = %s",
            (password_hash, user_id),
        )

    def set_roles(self, user_id: UUID, roles: Sequence[str]) -> None:
        self.connection.execute(
            "UPDATE users SET roles = %s, updated_at = now() WHERE id = %s", (sorted(set(roles)), user_id)
        )

    def set_status(self, user_id: UUID, status: str) -> None:
        self.connection.execute(
            "UPDATE users SET status = %s, updated_at = now() WHERE id = %s", (status, user_id)
        )

    def lock_for(self, user_id: UUID, seconds: int) -> None:
        self.connection.execute(
            "UPDATE users SET locked_until = now() + make_interval(secs => %s), updated_at = now() "
            "WHERE id = %s",
            (seconds, user_id),
        )

    def still_locked(self, user_id: UUID) -> bool:
        """The sign-in lockout is still on by the database's clock."""
        row = self.connection.execute(
            "SELECT locked_until > now() AS locked FROM users WHERE id = %s", (user_id,)
        ).fetchone()
        return bool(row and row["locked"])

    def clear_lock(self, user_id: UUID) -> None:
        self.connection.execute(
            "UPDATE users SET locked_until = NULL WHERE id = %s AND locked_until IS NOT NULL", (user_id,)
        )

    def set_mfa_pending(self, user_id: UUID, sealed_secret: bytes | None) -> None:
        self.connection.execute(
            "UPDATE users SET mfa_pending_secret = %s, updated_at = now() WHERE id = %s", (sealed_secret, user_id)
        )

    def enable_mfa(self, user_id: UUID, sealed_secret: bytes, step: int) -> None:
        self.connection.execute(
            "UPDATE users SET mfa_enabled = true, mfa_secret = %s, mfa_pending_secret = NULL, "
            "mfa_last_step = %s, updated_at = now() WHERE id = %s",
            (sealed_secret, step, user_id),
        )

    def disable_mfa(self, user_id: UUID) -> None:
        self.connection.execute(
            "UPDATE users SET mfa_enabled = false, mfa_secret = NULL, mfa_pending_secret = NULL, "
            "mfa_last_step = NULL, updated_at = now() WHERE id = %s",
            (user_id,),
        )

    def use_mfa_step(self, user_id: UUID, step: int) -> None:
        self.connection.execute("UPDATE users SET mfa_last_step = %s WHERE id = %s", (step, user_id))

    def unsealed_mfa_secrets(self, after: UUID | None, limit: int) -> list[MfaSecrets]:
        """Users whose TOTP secrets predate sealing (stored as base32 text, not the sealed format)."""
        return rows_as(MfaSecrets, self.connection.execute(
            "SELECT id, mfa_secret, mfa_pending_secret FROM users "
            f"WHERE ({_UNSEALED.format(column='mfa_secret')} OR {_UNSEALED.format(column='mfa_pending_secret')}) "
            "AND (%s::uuid IS NULL OR id > %s) ORDER BY id LIMIT %s",
            (after, after, limit),
        ).fetchall())

    def replace_mfa_secrets(self, user_id: UUID, seen: tuple[bytes | None, bytes | None],
                            sealed: tuple[bytes | None, bytes | None]) -> bool:
        """Swap both secrets if they are still what was read (a user may change MFA meanwhile)."""
        updated = self.connection.execute(
            "UPDATE users SET mfa_secret = %s, mfa_pending_secret = %s WHERE id = %s "
            "AND mfa_secret IS NOT DISTINCT FROM %s AND mfa_pending_secret IS NOT DISTINCT FROM %s",
            (*sealed, user_id, *seen),
        )
        return updated.rowcount == 1


class OneTimeTokenRepository(Repository):
    """Activation and password-reset tokens: stored hashed, single use, expiring."""

    def add(self, token_hash: str, user_id: UUID, purpose: str, ttl_seconds: int) -> None:
        self.connection.execute(
            "INSERT INTO one_time_tokens (token_hash, user_id, purpose, expires_at) "
            "VALUES (%s, %s, %s, now() + make_interval(secs => %s))",
            (token_hash, user_id, purpose, ttl_seconds),
        )

    def consume(self, token_hash: str, purpose: str) -> UUID | None:
        """Marks a live token used and returns its user; None if unknown, used or expired."""
        row = self.connection.execute(
            "UPDATE one_time_tokens SET used_at = now() "
            "WHERE token_hash = %s AND purpose = %s AND used_at IS NULL AND expires_at > now() "
            "RETURNING user_id",
            (token_hash, purpose),
        ).fetchone()
        return row["user_id"] if row else None

    def invalidate(self, user_id: UUID, purpose: str) -> None:
        self.connection.execute(
            "UPDATE one_time_tokens SET used_at = now() WHERE user_id = %s AND purpose = %s AND used_at IS NULL",
            (user_id, purpose),
        )


class RefreshTokenRepository(Repository):
    def add(self, token_id: UUID, token_hash: str, family_id: UUID, user_id: UUID, ttl_seconds: int,
            client: str | None = None, ip_prefix: str | None = None, parent_id: UUID | None = None) -> None:
        self.connection.execute(
            "INSERT INTO refresh_tokens (id, token_hash, family_id, user_id, expires_at, client, ip_prefix, "
            "parent_id) VALUES (%s, %s, %s, %s, now() + make_interval(secs => %s), %s, %s, %s)",
            (token_id, token_hash, family_id, user_id, ttl_seconds, client, ip_prefix, parent_id),
        )

    def lock_by_hash(self, token_hash: str) -> RefreshToken | None:
        return row_or_none(RefreshToken, self.connection.execute(
            "SELECT id, family_id, user_id, rotated_at, revoked_at, expires_at <= now() AS expired "
            "FROM refresh_tokens WHERE token_hash = %s FOR UPDATE",
            (token_hash,),
        ).fetchone())

    def mark_rotated(self, token_id: UUID) -> None:
        self.connection.execute("UPDATE refresh_tokens SET rotated_at = now() WHERE id = %s AND rotated_at IS NULL",
                                (token_id,))

    def accept_in_grace(self, token_id: UUID, grace_seconds: int) -> bool:
        """Honour a rotated token (locked by lock_by_hash) once more: rotated less than `grace_seconds` ago, not
        yet honoured, and none of its successors rotated or revoked since (it is the family's immediately
        previous token). The successors are locked first, so a concurrent rotation of one of them is seen."""
        self.connection.execute("SELECT id FROM refresh_tokens WHERE parent_id = %s ORDER BY id FOR UPDATE",
                                (token_id,))
        row = self.connection.execute(
            "UPDATE refresh_tokens AS t SET grace_used_at = now() WHERE t.id = %s AND t.grace_used_at IS NULL "
            "AND t.rotated_at > clock_timestamp() - make_interval(secs => %s) AND NOT EXISTS ("
            "SELECT 1 FROM refresh_tokens AS c WHERE c.parent_id = t.id "
            "AND (c.rotated_at IS NOT NULL OR c.revoked_at IS NOT NULL)) RETURNING t.id",
            (token_id, grace_seconds),
        ).fetchone()
        return row is not None

    def revoke_family(self, family_id: UUID) -> int:
        cursor = self.connection.execute(
            "UPDATE refresh_tokens SET revoked_at = now() WHERE family_id = %s AND revoked_at IS NULL",
            (family_id,),
        )
        return cursor.rowcount

    def revoke_user(self, user_id: UUID) -> list[UUID]:
        """Revoke every live refresh token of the user; the families (sessions) they belonged to."""
        rows = self.connection.execute(
            "UPDATE refresh_tokens SET revoked_at = now() WHERE user_id = %s AND revoked_at IS NULL "
            "RETURNING family_id", (user_id,)
        ).fetchall()
        return sorted({row["family_id"] for row in rows})

    def revoke_user_except(self, user_id: UUID, keep_family: UUID | None) -> list[UUID]:
        """Revoke every live refresh token of the user outside `keep_family`; the families that ended."""
        rows = self.connection.execute(
            "UPDATE refresh_tokens SET revoked_at = now() WHERE user_id = %s AND revoked_at IS NULL "
            "AND family_id IS DISTINCT FROM %s RETURNING family_id", (user_id, keep_family)
        ).fetchall()
        return sorted({row["family_id"] for row in rows})

    def revoke_user_family(self, user_id: UUID, family_id: UUID) -> bool:
        """Revoke one live session of this user; False when the user has no such live session."""
        rows = self.connection.execute(
            "UPDATE refresh_tokens SET revoked_at = now() WHERE user_id = %s AND family_id = %s "
            "AND revoked_at IS NULL AND family_id IN (SELECT family_id FROM refresh_tokens WHERE user_id = %s "
            "AND family_id = %s AND rotated_at IS NULL AND expires_at > now()) RETURNING id",
            (user_id, family_id, user_id, family_id),
        ).fetchall()
        return bool(rows)

    def live_sessions(self, user_id: UUID, limit: int) -> list[LiveSession]:
        """The user's sessions with a usable refresh token, most recently used first: when each began, when it
        was last refreshed, and the client of its newest token."""
        return rows_as(LiveSession, self.connection.execute(
            "SELECT family_id AS id, min(created_at) AS created_at, max(created_at) AS last_used_at, "
            "(array_agg(client ORDER BY created_at DESC))[1] AS client, "
            "(array_agg(ip_prefix ORDER BY created_at DESC))[1] AS ip_prefix "
            "FROM refresh_tokens WHERE user_id = %s GROUP BY family_id "
            "HAVING bool_or(revoked_at IS NULL AND rotated_at IS NULL AND expires_at > now()) "
            "ORDER BY max(created_at) DESC, family_id LIMIT %s",
            (user_id, limit),
        ).fetchall())


class LinkMailQuotaRepository(Repository):
    """Requests for one-time-link mails per address and clock hour (known addresses or not)."""

    def count_request(self, email: str) -> int:
        """Count one more request for `email` in the current hour; the hour's count so far."""
        row = self.connection.execute(
            "INSERT INTO link_mail_quota (address_hash, window_start, requests) "
            "VALUES (%s, date_trunc('hour', now()), 1) ON CONFLICT (address_hash, window_start) "
            "DO UPDATE SET requests = link_mail_quota.requests + 1 RETURNING requests",
            (hashlib.sha256(email.encode()).hexdigest(),),
        ).fetchone()
        return int(row["requests"]) if row else 1

    def prune(self) -> int:
        """Windows older than a day are of no use any more."""
        return self.connection.execute(
            "DELETE FROM link_mail_quota WHERE window_start < now() - interval '1 day'"
        ).rowcount


class ClientRepository(Repository):
    def get(self, client_id: str) -> OAuthClient | None:
        return row_or_none(OAuthClient, self.connection.execute(
            "SELECT client_id, secret_hash, roles, enabled FROM oauth_clients WHERE client_id = %s", (client_id,)
        ).fetchone())

    def upsert(self, client_id: str, secret_hash: str, roles: Sequence[str]) -> None:
        self.connection.execute(
            "INSERT INTO oauth_clients (client_id, secret_hash, roles) VALUES (%s, %s, %s) "
            "ON CONFLICT (client_id) DO UPDATE SET secret_hash = EXCLUDED.secret_hash, roles = EXCLUDED.roles, "
            "enabled = true, updated_at = now()",
            (client_id, secret_hash, list(roles)),
        )

    def disable(self, client_ids: Sequence[str]) -> int:
        return self.connection.execute(
            "UPDATE oauth_clients SET enabled = false, updated_at = now() WHERE client_id = ANY(%s) AND enabled",
            (list(client_ids),),
        ).rowcount


class KycRepository(Repository):
    """A customer's KYC data (`customer_kyc`, one row per user). The document number arrives sealed and is never
    read back: every answer carries its last four characters only."""

    def get(self, user_id: UUID) -> CustomerKyc | None:
        return row_or_none(CustomerKyc, self.connection.execute(
            f"SELECT {_KYC_COLUMNS} FROM customer_kyc WHERE user_id = %s", (user_id,)
        ).fetchone())

    def save(self, user_id: UUID, legal_name: str, date_of_birth: date, document_type: str,
             sealed_number: bytes, number_last4: str, address: str) -> CustomerKyc:
        """Record or replace the user's KYC data; what is stored now."""
        row = self.connection.execute(
            "INSERT INTO customer_kyc (user_id, legal_name, date_of_birth, document_type, document_number, "
            "document_last4, address) VALUES (%s, %s, %s, %s, %s, %s, %s) ON CONFLICT (user_id) DO UPDATE SET "
            "legal_name = excluded.legal_name, date_of_birth = excluded.date_of_birth, "
            "document_type = excluded.document_type, document_number = excluded.document_number, "
            "document_last4 = excluded.document_last4, address = excluded.address, updated_at = now() "
            f"RETURNING {_KYC_COLUMNS}",
            (user_id, legal_name, date_of_birth, document_type, sealed_number, number_last4, address),
        ).fetchone()
        assert row is not None  # an upsert always returns its row
        return row_as(CustomerKyc, row)
