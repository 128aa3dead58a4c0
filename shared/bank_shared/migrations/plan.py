"""The decisions of a migration run that need neither a database nor Alembic: checksums, the order of the
revisions, whether (and where) a database migrated by the former runner is adopted, which applied SQL
changed since, and which stored-function files must be re-applied."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

LEGACY_SHARED_PREFIX = "shared/"  # how the former runner named the shared baseline's files


class MigrationError(Exception):
    """A migration run failed or was refused. The message names the service and the step, never a credential."""


@dataclass(frozen=True)
class Revision:
    """One Alembic revision as the runner sees it (base first when listed by `history`)."""

    revision: str
    down_revisions: tuple[str, ...]
    doc: str
    sql_file: str | None = None  # the versioned SQL file it applies (its name)
    checksum: str | None = None  # of that file's text, exactly as the former runner computed it
    shared: bool = False  # the shared baseline (bank_shared), not the service's own

    @property
    def legacy_version(self) -> str | None:
        """The former runner's `schema_migrations.version` for this revision's file."""
        if self.sql_file is None:
            return None
        return f"{LEGACY_SHARED_PREFIX}{self.sql_file}" if self.shared else self.sql_file


@dataclass(frozen=True)
class Status:
    """Where a service's database stands (`current`)."""

    service: str
    revisions: tuple[str, ...]  # alembic_version (what `alembic current` prints)
    pending: tuple[str, ...]  # revisions `upgrade_head` would apply
    stale_functions: tuple[str, ...]  # stored-function files that changed since they were applied
    legacy_versions: tuple[str, ...] = ()  # schema_migrations rows of a database not adopted yet

    @property
    def up_to_date(self) -> bool:
        return not self.pending and not self.stale_functions and not self.legacy_versions


def checksum(text: str) -> str:
    """sha256 of the file's text (read as text, so line endings are normalised): the former runner's sum."""
    return hashlib.sha256(text.encode()).hexdigest()


def ancestors(revisions: Sequence[Revision], heads: Iterable[str]) -> set[str]:
    """The heads and everything they follow: the revisions a database at `heads` has applied."""
    by_id = {r.revision: r for r in revisions}
    seen: set[str] = set()
    stack = list(heads)
    while stack:
        rid = stack.pop()
        if rid in seen:
            continue
        if rid not in by_id:
            raise MigrationError(f"the database is at revision {rid}, which this release does not know")
        seen.add(rid)
        stack.extend(by_id[rid].down_revisions)
    return seen


def heads_of(revisions: Sequence[Revision], applied: set[str]) -> tuple[str, ...]:
    """The applied revisions no other applied revision follows (what alembic_version holds)."""
    followed = {d for r in revisions if r.revision in applied for d in r.down_revisions}
    return tuple(r.revision for r in revisions if r.revision in applied and r.revision not in followed)


def adoption(service: str, revisions: Sequence[Revision], legacy: Mapping[str, str]) -> tuple[str, ...]:
    """The revisions to stamp for a database the former runner migrated (its schema_migrations rows,
    version -> checksum), so that nothing it applied runs again.

    Refused, with the reason: a row no revision knows, a file whose text changed after it was applied,
    or rows that are not a prefix of the history (a revision missing before an applied one)."""
    by_version = {r.legacy_version: r for r in revisions if r.legacy_version is not None}
    unknown = sorted(v for v in legacy if v not in by_version)
    if unknown:
        raise MigrationError(
            f"{service}: schema_migrations lists {', '.join(unknown)}, which no revision of this release applies "
            "(was the database migrated by a newer release?)")
    changed = sorted(v for v, sum_ in legacy.items() if by_version[v].checksum != sum_)
    if changed:
        raise MigrationError(
            f"{service}: {', '.join(changed)} changed after the former runner applied it; restore the file's "
            "applied text and put the change into a new revision")
    applied = {by_version[v].revision for v in legacy}
    gaps = sorted(d for r in revisions if r.revision in applied for d in r.down_revisions if d not in applied)
    if gaps:
        raise MigrationError(
            f"{service}: schema_migrations lacks {', '.join(gaps)} although later files were applied; "
            "the database cannot be adopted automatically")
    return heads_of(revisions, applied)


def changed_after_apply(revisions: Sequence[Revision], applied: set[str], recorded: Mapping[str, str]) -> list[str]:
    """Applied revisions whose SQL file no longer has the text that was applied (recorded checksums)."""
    return [f"{r.revision} ({r.sql_file})" for r in revisions
            if r.revision in applied and r.revision in recorded and recorded[r.revision] != r.checksum]


def stale_functions(files: Mapping[str, str], recorded: Mapping[str, str]) -> list[str]:
    """Stored-function files (name -> checksum) never applied or changed since, in name order."""
    return sorted(name for name, sum_ in files.items() if recorded.get(name) != sum_)


def unreferenced_sql(sql_files: Iterable[str], revisions: Sequence[Revision]) -> list[str]:
    """Versioned SQL files of the service that no revision applies (they would silently never run)."""
    referenced = {r.sql_file for r in revisions if not r.shared}
    return sorted(name for name in sql_files if name not in referenced)
