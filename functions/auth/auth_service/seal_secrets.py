"""Seal TOTP secrets stored before sealing existed: `python -m auth_service.seal_secrets`.

Run once after migration 0004 with the auth function's environment (database and DATA_KEY_ID). Safe to
re-run and to run while auth serves traffic: KMS is called outside any transaction, and each row is
replaced only if it still holds what was read. Prints progress and exits 0 once no plaintext secret is
left (docs/keys.md).
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from uuid import UUID

from auth_service import mfa
from auth_service.repository import UserRepository
from bank_shared.db import Connection, connect

BATCH = 100


def _sealed(stored: bytes | None, user_id: UUID) -> bytes | None:
    if stored is None or not mfa.is_legacy(stored):
        return stored
    return mfa.seal_secret(bytes(stored).decode("ascii"), user_id)


def seal_all(connection: Connection, say: Callable[[str], None] = print) -> tuple[int, int]:
    """(sealed, skipped because they changed meanwhile) after one pass over every unsealed row."""
    users = UserRepository(connection)
    sealed = skipped = 0
    after: UUID | None = None
    while rows := users.unsealed_mfa_secrets(after, BATCH):
        for row in rows:
            seen = (row.mfa_secret, row.mfa_pending_secret)
            replacement = (_sealed(seen[0], row.id), _sealed(seen[1], row.id))
            if users.replace_mfa_secrets(row.id, seen, replacement):
                sealed += 1
            else:
                skipped += 1
        after = rows[-1].id
        say(f"seal_secrets: {sealed} user(s) sealed so far")
    return sealed, skipped


def main() -> int:
    with connect() as connection:
        sealed, skipped = seal_all(connection)
        left = len(UserRepository(connection).unsealed_mfa_secrets(None, 1))
    print(f"seal_secrets: done: {sealed} sealed, {skipped} changed meanwhile, "
          f"{'none' if not left else 'some'} left unsealed", flush=True)
    return 0 if not left else 1


if __name__ == "__main__":
    sys.exit(main())
