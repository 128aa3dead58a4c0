"""The shared list-query builder: the SQL text and the parameters it produces (no database needed)."""

from __future__ import annotations

from datetime import UTC, datetime
from uuid import UUID

import pytest

from bank_shared.sql_filters import Filter, like_pattern

WHEN = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)
ID = UUID("00000000-0000-4000-8000-000000000001")


def text(query: object) -> str:
    return query.as_string(None)  # type: ignore[attr-defined, no-any-return]


def test_no_condition_means_no_where_and_the_limit_is_the_only_parameter() -> None:
    query, params = Filter().page("SELECT id FROM t", ("created_at", "id"), 51)
    assert text(query) == 'SELECT id FROM t ORDER BY "created_at" DESC, "id" DESC LIMIT %s'
    assert params == [51]


def test_missing_values_are_skipped_and_given_ones_are_anded_in_order() -> None:
    where = (Filter().equals("owner_id", ID).equals("currency", None).any_of("id", []).any_of("id", [ID])
             .since("p.created_at", WHEN).until("p.created_at", None))
    query, params = where.page("SELECT * FROM t", ("id",), 11, descending=False)
    assert text(query) == ('SELECT * FROM t WHERE "owner_id" = %s AND "id" = ANY(%s) AND "p"."created_at" >= %s '
                           'ORDER BY "id" LIMIT %s')
    assert params == [ID, [ID], WHEN, 11]


def test_the_keyset_position_compares_the_sort_key_as_a_row() -> None:
    newest_first = Filter().after(("created_at", "id"), (WHEN, ID))
    assert text(newest_first.clause()) == ' WHERE ("created_at", "id") < (%s, %s)'
    assert newest_first.params == [WHEN, ID]
    oldest_first = Filter().after(("code",), ("abc",), descending=False)
    assert text(oldest_first.clause()) == ' WHERE ("code") > (%s)'
    assert text(Filter().after(("created_at", "id"), None).clause()) == ""
    with pytest.raises(ValueError):
        Filter().after(("created_at", "id"), (WHEN,))


def test_search_escapes_like_wildcards_and_matches_any_column() -> None:
    where = Filter().search(("email", "full_name"), "50%_off\\")
    assert text(where.clause()) == (' WHERE (((email) COLLATE "und-x-icu") ILIKE %s ESCAPE \'\\\' OR '
                                    '((full_name) COLLATE "und-x-icu") ILIKE %s ESCAPE \'\\\')')
    assert where.params == ["%50\\%\\_off\\\\%"] * 2
    assert Filter().search(("email",), "").params == []
    assert like_pattern("a_b") == "%a\\_b%"


def test_an_injection_attempt_stays_a_parameter() -> None:
    attack = "x'; DROP TABLE accounts; --"
    query, params = Filter().equals("number", attack).search(("name",), attack).page("SELECT 1 FROM t", ("id",), 2)
    assert "DROP" not in text(query)
    assert params == [attack, like_pattern(attack), 2]


def test_a_column_name_is_quoted_so_it_cannot_carry_sql() -> None:
    where = Filter().equals('x" = 1 OR "y', 5)
    assert text(where.clause()) == ' WHERE "x"" = 1 OR ""y" = %s'


def test_fixed_fragments_and_alternatives() -> None:
    where = (Filter().where("roles && %s::text[]", ["customer"]).where("read_at IS NULL")
             .either(Filter().where("email LIKE %s", "%a%"), Filter(), Filter().any_of("id", [ID])))
    assert text(where.clause()) == (' WHERE roles && %s::text[] AND read_at IS NULL '
                                    'AND ((email LIKE %s) OR ("id" = ANY(%s)))')
    assert where.params == [["customer"], "%a%", [ID]]
    assert Filter().either(Filter(), Filter()).params == []


def test_query_keeps_a_fixed_suffix() -> None:
    query, params = Filter().equals("id", ID).query("SELECT * FROM t", " FOR UPDATE")
    assert text(query) == 'SELECT * FROM t WHERE "id" = %s FOR UPDATE'
    assert params == [ID]
