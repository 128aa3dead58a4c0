"""The pure parts of the Alembic migrations (no database): revision order against the former runner's,
checksums, the adoption decision, refusal of changed files, stored-function files, credential scrubbing.
(That no handler imports Alembic or SQLAlchemy is one of test_cold_path.py's deferred libraries.)"""

from __future__ import annotations

import itertools
import re
from pathlib import Path

import pytest

from bank_shared.migrations import MigrationError, history, plan
from bank_shared.migrations.plan import Revision
from bank_shared.migrations.runner import scrub
from tests.support import legacy_migrations as legacy
from tests.support.services import SERVICES

_FUNCTION = re.compile(r"CREATE (?:OR REPLACE )?(?:FUNCTION|PROCEDURE) (\w+)\((.*?\$\$.*?\$\$);", re.S)


def chain(*ids: str, shared: str = "shared_0001") -> list[Revision]:
    """A linear history: shared baseline, then the service's revisions, each with a file and checksum."""
    revisions = [Revision(shared, (), "", "0001_shared_baseline.sql", plan.checksum(shared), shared=True)]
    for rid in ids:
        revisions.append(Revision(rid, (revisions[-1].revision,), "", f"{rid[-4:]}_x.sql", plan.checksum(rid)))
    return revisions


def legacy_rows(revisions: list[Revision]) -> dict[str, str]:
    return {str(r.legacy_version): str(r.checksum) for r in revisions}


# --------------------------------------------------------------------------- order and checksums


@pytest.mark.parametrize("service", SERVICES)
def test_revisions_follow_the_former_runners_order_with_its_checksums(service: str) -> None:
    # Two chains, each in the former runner's file order: the shared baseline's (shared_0001, shared_0002, ...)
    # and the service's own, which starts on shared_0001 (docs/migrations.md: a later shared revision is a
    # second branch, so databases already past shared_0001 still receive it).
    expected = legacy.load_migrations(legacy.service_migrations_dir(service), only_before_the_switch=False)
    revisions = history(service)
    for shared in (True, False):
        chain = [r for r in revisions if r.shared == shared]
        files = [m for m in expected if m.version.startswith("shared/") == shared]
        assert [r.legacy_version for r in chain] == [m.version for m in files]
        assert [r.checksum for r in chain] == [m.checksum for m in files]
        for before, after in itertools.pairwise(chain):
            assert after.down_revisions == (before.revision,)
        if chain:
            assert chain[0].down_revisions == (() if shared else ("shared_0001",))
    assert revisions[0].revision == "shared_0001"


def test_checksum_is_the_former_runners_sum_of_the_text_with_normalised_line_endings(tmp_path: Path) -> None:
    unix, windows = tmp_path / "unix.sql", tmp_path / "windows.sql"
    unix.write_bytes(b"SELECT 1;\nSELECT 2;\n")
    windows.write_bytes(b"SELECT 1;\r\nSELECT 2;\r\n")
    assert plan.checksum(unix.read_text()) == legacy.Migration("x", unix.read_text()).checksum
    assert plan.checksum(windows.read_text(encoding="utf-8")) == plan.checksum(unix.read_text())
    assert plan.checksum("SELECT 1;") != plan.checksum("SELECT 1; ")


def test_every_versioned_sql_file_has_exactly_one_revision() -> None:
    for service in SERVICES:
        revisions = history(service)
        files = [r.sql_file for r in revisions if not r.shared]
        assert len(files) == len(set(files)), service
        folder = legacy.service_migrations_dir(service)
        on_disk = [p.name for p in folder.glob("*.sql")] if folder.is_dir() else []
        assert plan.unreferenced_sql(on_disk, revisions) == [], service


def test_an_sql_file_without_revision_is_named() -> None:
    assert plan.unreferenced_sql(["0001_x.sql", "0002_new.sql"], chain("svc_0001")) == ["0002_new.sql"]


# --------------------------------------------------------------------------- adoption of a former-runner database


def test_a_fresh_database_is_not_adopted() -> None:
    assert plan.adoption("svc", chain("svc_0001"), {}) == ()


def test_a_fully_migrated_database_is_stamped_at_the_last_file() -> None:
    revisions = chain("svc_0001", "svc_0002", "svc_0003")
    assert plan.adoption("svc", revisions, legacy_rows(revisions)) == ("svc_0003",)


def test_a_database_behind_is_stamped_where_it_stopped() -> None:
    revisions = chain("svc_0001", "svc_0002", "svc_0003")
    assert plan.adoption("svc", revisions, legacy_rows(revisions[:2])) == ("svc_0001",)


def test_adoption_refuses_a_file_changed_after_it_was_applied() -> None:
    revisions = chain("svc_0001", "svc_0002")
    rows = legacy_rows(revisions) | {"0002_x.sql": plan.checksum("what the runner applied back then")}
    with pytest.raises(MigrationError, match=r"svc: 0002_x.sql changed after the former runner applied it"):
        plan.adoption("svc", revisions, rows)


def test_adoption_refuses_a_version_no_revision_knows() -> None:
    revisions = chain("svc_0001")
    with pytest.raises(MigrationError, match=r"0009_future\.sql, which no revision of this release applies"):
        plan.adoption("svc", revisions, legacy_rows(revisions) | {"0009_future.sql": "x"})


def test_adoption_refuses_a_gap() -> None:
    revisions = chain("svc_0001", "svc_0002")
    rows = legacy_rows(revisions)
    del rows["0001_x.sql"]
    with pytest.raises(MigrationError, match="lacks svc_0001 although later files were applied"):
        plan.adoption("svc", revisions, rows)


def test_adoption_with_a_second_branch_stamps_both_heads() -> None:
    revisions = [*chain("svc_0001"), Revision("shared_0002", ("shared_0001",), "", "0002_more.sql", "s2",
                                              shared=True)]
    rows = legacy_rows(revisions)
    assert rows["shared/0002_more.sql"] == "s2"
    assert plan.adoption("svc", revisions, rows) == ("svc_0001", "shared_0002")


# --------------------------------------------------------------------------- applied files and stored functions


def test_applied_revisions_are_the_heads_and_their_ancestors() -> None:
    revisions = chain("svc_0001", "svc_0002", "svc_0003")
    assert plan.ancestors(revisions, ("svc_0002",)) == {"shared_0001", "svc_0001", "svc_0002"}
    assert plan.ancestors(revisions, ()) == set()
    with pytest.raises(MigrationError, match="revision svc_0099, which this release does not know"):
        plan.ancestors(revisions, ("svc_0099",))


def test_a_changed_applied_file_is_named_and_a_pending_one_is_not() -> None:
    revisions = chain("svc_0001", "svc_0002")
    recorded = {r.revision: str(r.checksum) for r in revisions} | {"svc_0001": "old", "svc_0002": "old"}
    applied = plan.ancestors(revisions, ("svc_0001",))
    assert plan.changed_after_apply(revisions, applied, recorded) == ["svc_0001 (0001_x.sql)"]


def test_function_files_new_or_changed_are_stale_in_name_order() -> None:
    files = {"b.sql": "2", "a.sql": "1", "c.sql": "3"}
    assert plan.stale_functions(files, {"a.sql": "1", "b.sql": "old"}) == ["b.sql", "c.sql"]
    assert plan.stale_functions(files, files) == []


def _definitions(sql: str) -> dict[str, str]:
    return {m.group(1): m.group(2) for m in _FUNCTION.finditer(sql)}


# Functions edited in their file after the switch to Alembic (docs/migrations.md: edit the file, never a new
# versioned copy): their file is newer than the last versioned definition, by design.
CHANGED_SINCE_THE_SWITCH = {"ledger_transfer_apply": "refuses a transfer above the recipient's balance ceiling; "
                                                    "leaves the input's shape to the edge (docs/money.md)"}


@pytest.mark.parametrize("service", SERVICES)
def test_each_stored_function_has_one_file_holding_its_last_versioned_definition(service: str) -> None:
    """The function files equal what the versioned files left behind (so a fresh database, which runs both,
    and one the former runner migrated end with the same bodies; the integration test proves it by pg_dump),
    except the functions changed since, which no versioned file may define again."""
    folder = legacy.service_migrations_dir(service)
    last: dict[str, str] = {}
    for path in sorted(folder.glob("*.sql")) if folder.is_dir() else []:
        last.update(_definitions(path.read_text()))
    files = {p.stem: p.read_text() for p in sorted((folder / "functions").glob("*.sql"))}
    assert sorted(files) == sorted(last)
    for name, text in files.items():
        if name in CHANGED_SINCE_THE_SWITCH:
            assert _definitions(text).keys() == {name} and _definitions(text)[name] != last[name], name
            continue
        assert _definitions(text) == {name: last[name]}, name
        assert f"CREATE OR REPLACE FUNCTION {name}(" in text


# --------------------------------------------------------------------------- secrets and cold starts


def test_scrub_removes_the_password_in_every_spelling() -> None:
    url = "postgresql://ledger:s3cr%40t@db.example:5432/ledger"
    message = ("could not parse postgresql://ledger:s3cr%40t@db.example:5432/ledger; "
               "password=s3cr@t host=x; password 's3cr@t' was refused")
    scrubbed = scrub(message, url)
    assert "s3cr" not in scrubbed
    assert "postgresql://ledger:***@db.example" in scrubbed
    assert scrub("host=x password='a b' user=y", "") == "host=x password=*** user=y"


def test_a_connection_failure_raises_a_migration_error_without_the_password() -> None:
    """Nothing listens on port 9 here: the error names the service, never the password, and carries no chain."""
    from bank_shared.migrations import upgrade_head

    with pytest.raises(MigrationError) as caught:
        upgrade_head("ledger", "postgresql://ledger:Sup3rS3cret@127.0.0.1:9/ledger?connect_timeout=2")
    assert str(caught.value).startswith("ledger: OperationalError")
    assert "Sup3rS3cret" not in str(caught.value)
    assert caught.value.__cause__ is None and caught.value.__suppress_context__
