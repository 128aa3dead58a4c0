"""Alembic migrations against the stack's real PostgreSQL, in scratch databases (each owned by a scratch login
role of the same name, as a service's role owns its database):

- for every service, a fresh database migrated by Alembic and one migrated by the former runner, then adopted,
  end with identical `pg_dump --schema-only` output (the only normalisation: the scratch role's name, which
  differs by construction, and leaving out the bookkeeping tables schema_migrations / alembic_version /
  alembic_checksums where one side has them and the other cannot);
- re-running is a no-op; a changed applied file is refused; a changed stored-function file is re-applied;
  a failing revision raises and leaves the database at the previous revision; concurrent runs take turns
(the real `sam build` artifact runs them in tests/built/test_migrations_built.py).
"""

from __future__ import annotations

import shutil
import threading
import uuid
from collections.abc import Callable
from pathlib import Path

import pytest

from bank_shared.migrations import MigrationError, current, history, upgrade_head
from tests.support import legacy_migrations as legacy
from tests.support.cfn import REPO
from tests.support.scratch_db import Scratch
from tests.support.services import SERVICES

BOOKKEEPING = ("schema_migrations", "alembic_version", "alembic_checksums")
# What a fresh ledger database gets: every revision of its history (its own and the shared baseline's), then each
# stored-function file once (a hard-coded list went stale with each new revision).
LEDGER_REVISIONS = [revision.revision for revision in history("ledger")]
LEDGER_FUNCTIONS = len(list((REPO / "functions/ledger/ledger_service/migrations/functions").glob("*.sql")))


@pytest.fixture
def package(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Callable[[str], tuple[str, Path]]:
    """A copy of a service's migrations in a package of its own (`<uniq>_service`), free to be edited."""

    def copy(service: str) -> tuple[str, Path]:
        name = f"scratch{uuid.uuid4().hex[:8]}"
        root = tmp_path / f"{name}_service"
        root.mkdir()
        (root / "__init__.py").write_text("")
        shutil.copytree(legacy.service_migrations_dir(service), root / "migrations",
                        ignore=shutil.ignore_patterns("__pycache__"))
        monkeypatch.syspath_prepend(str(tmp_path))
        return name, root / "migrations"

    return copy


# --------------------------------------------------------------------------- fresh and adopted: the same schema


@pytest.mark.parametrize("service", SERVICES)
def test_fresh_and_adopted_databases_end_with_identical_schemas(service: str, scratch: Callable[[], Scratch]) -> None:
    fresh, old = scratch(), scratch()
    applied = upgrade_head(service, fresh.url)
    revisions = [r for r in applied if not r.startswith("functions/")]
    newer = legacy.written_after_the_switch(service)
    assert revisions[0] == "shared_0001" and len(revisions) == len(legacy.load_migrations(
        legacy.service_migrations_dir(service))) + len(newer)

    legacy.migrate_service(service, old.url)
    as_the_former_runner_left_it = old.dump(*BOOKKEEPING)
    adopted = upgrade_head(service, old.url)
    # nothing the former runner ran runs again; only what was written after the switch, and stored functions
    assert sorted(a for a in adopted if not a.startswith("functions/")) == newer, adopted

    if not newer:
        assert fresh.dump(*BOOKKEEPING) == as_the_former_runner_left_it  # the function files change no body
    assert fresh.dump(*BOOKKEEPING) == old.dump(*BOOKKEEPING)
    assert fresh.dump("schema_migrations") == old.dump("schema_migrations")
    assert current(service, old.url).revisions == current(service, fresh.url).revisions
    assert current(service, old.url).up_to_date


def test_a_database_the_former_runner_left_behind_is_adopted_where_it_stopped(
        scratch: Callable[[], Scratch], package: Callable[[str], tuple[str, Path]]) -> None:
    name, migrations = package("ledger")
    old, fresh = scratch(), scratch()
    files = legacy.load_migrations(migrations, service="ledger")
    legacy.apply_migrations(old.url, files[:4])  # shared baseline, 0001..0003: an older release
    assert current(name, old.url).legacy_versions == tuple(sorted(m.version for m in files[:4]))

    applied = upgrade_head(name, old.url)
    assert applied[:3] == ["ledger_0004", "ledger_0005", "ledger_0006"]
    upgrade_head(name, fresh.url)
    assert old.dump("schema_migrations") == fresh.dump("schema_migrations")


# --------------------------------------------------------------------------- re-runs, refusals, functions, failures


def test_a_second_upgrade_changes_nothing(scratch: Callable[[], Scratch]) -> None:
    db = scratch()
    first = upgrade_head("ledger", db.url)
    assert sorted(first[:len(LEDGER_REVISIONS)]) == sorted(LEDGER_REVISIONS)
    assert len(first) == len(LEDGER_REVISIONS) + LEDGER_FUNCTIONS
    stamps = db.query("SELECT kind, name, applied_at FROM alembic_checksums ORDER BY kind, name")
    before = db.dump()
    assert upgrade_head("ledger", db.url) == []
    assert db.dump() == before
    assert db.query("SELECT kind, name, applied_at FROM alembic_checksums ORDER BY kind, name") == stamps


def test_a_changed_file_the_former_runner_applied_is_refused(
        scratch: Callable[[], Scratch], package: Callable[[str], tuple[str, Path]]) -> None:
    name, migrations = package("ledger")
    db = scratch()
    legacy.apply_migrations(db.url, legacy.load_migrations(migrations, service="ledger"))
    edited = migrations / "0002_exchange.sql"
    edited.write_text(edited.read_text() + "\nCREATE TABLE sneaked_in (id int);\n")

    with pytest.raises(MigrationError, match=r"^" + name + r": 0002_exchange.sql changed after the former runner"):
        upgrade_head(name, db.url)
    assert db.query("SELECT to_regclass('alembic_version'), to_regclass('sneaked_in')") == [(None, None)]


def test_a_changed_file_alembic_applied_is_refused(
        scratch: Callable[[], Scratch], package: Callable[[str], tuple[str, Path]]) -> None:
    name, migrations = package("ledger")
    db = scratch()
    upgrade_head(name, db.url)
    edited = migrations / "0001_ledger.sql"
    edited.write_text(edited.read_text().replace("CREATE TABLE", "CREATE TABLE IF NOT EXISTS", 1))

    with pytest.raises(MigrationError, match=r"ledger_0001 \(0001_ledger.sql\) changed after it was applied"):
        upgrade_head(name, db.url)


def test_a_changed_stored_function_file_is_reapplied(
        scratch: Callable[[], Scratch], package: Callable[[str], tuple[str, Path]]) -> None:
    name, migrations = package("ledger")
    db = scratch()
    upgrade_head(name, db.url)
    probe = "SELECT ledger_combiner_channel('00000000-0000-0000-0000-000000000001')"
    assert db.query(probe) == [("ledger_combiner_00000000000000000000000000000001",)]

    function = migrations / "functions" / "ledger_combiner_channel.sql"
    function.write_text(function.read_text().replace("'ledger_combiner_'", "'combiner_'"))
    assert current(name, db.url).stale_functions == ("ledger_combiner_channel.sql",)
    assert upgrade_head(name, db.url) == ["functions/ledger_combiner_channel.sql"]
    assert db.query(probe) == [("combiner_00000000000000000000000000000001",)]
    assert upgrade_head(name, db.url) == []


def test_a_failing_revision_raises_and_leaves_the_previous_revision(
        scratch: Callable[[], Scratch], package: Callable[[str], tuple[str, Path]]) -> None:
    name, migrations = package("ledger")
    db = scratch()
    (migrations / "0099_broken.sql").write_text(
        "CREATE TABLE half_done (id int);\n-- the next statement fails\nINSERT INTO no_such_table VALUES (1);\n")
    (migrations / "versions" / "0099_broken.py").write_text(
        'from pathlib import Path\nfrom bank_shared.migrations.revision import apply_sql\n'
        'revision = "ledger_0099"\ndown_revision = "ledger_0008"\n'
        'SQL = Path(__file__).parents[1] / "0099_broken.sql"\n\n\ndef upgrade() -> None:\n    apply_sql(SQL)\n')

    with pytest.raises(MigrationError) as caught:  # a fresh database: 0001..0008 commit, 0099 does not
        upgrade_head(name, db.url)
    assert str(caught.value) == (f'{name}: 0099_broken.sql line 3: relation "no_such_table" does not exist '
                                 "(SQLSTATE 42P01)")
    assert "ledger_0008" in current(name, db.url).revisions
    assert "ledger_0099" in current(name, db.url).pending  # (shared_0002, another branch, may run either side)
    assert db.query("SELECT to_regclass('half_done')") == [(None,)]  # transactional DDL: nothing half-applied


def test_an_sql_file_without_revision_is_refused(
        scratch: Callable[[], Scratch], package: Callable[[str], tuple[str, Path]]) -> None:
    name, migrations = package("ledger")
    (migrations / "0099_forgotten.sql").write_text("CREATE TABLE forgotten (id int);\n")
    with pytest.raises(MigrationError, match=r"no revision applies 0099_forgotten\.sql"):
        upgrade_head(name, scratch().url)


def test_concurrent_upgrades_take_turns(scratch: Callable[[], Scratch]) -> None:
    db = scratch()
    results: list[list[str]] = []
    errors: list[BaseException] = []

    def run() -> None:
        try:
            results.append(upgrade_head("ledger", db.url))
        except BaseException as exc:  # a failure in the thread must fail the test
            errors.append(exc)

    threads = [threading.Thread(target=run) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert errors == []
    # one run did everything, the others found it done
    assert sorted(map(len, results)) == [0, 0, len(LEDGER_REVISIONS) + LEDGER_FUNCTIONS]


def test_a_wrong_password_fails_without_revealing_it(scratch: Callable[[], Scratch]) -> None:
    db = scratch()
    wrong = db.url.replace("@", "x-Wr0ngPass@", 1).replace(f"{db.name}:", f"{db.name}:Tr1cky", 1)
    with pytest.raises(MigrationError) as caught:
        upgrade_head("ledger", wrong)
    assert "password authentication failed" in str(caught.value)
    assert "Wr0ngPass" not in str(caught.value) and "Tr1cky" not in str(caught.value)
