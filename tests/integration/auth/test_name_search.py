"""The back office's customer search in auth's real database (C locale): names in any script,
case-insensitive (Filter.search's ICU collation), ё as its plain letter (migration 0006's `search_name`), e-mails
in any case, phones in any usual form. Each test
creates its own customers with a marker of its own, so other rows never match."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest

from auth_service import administration
from auth_service.repository import UserRepository
from bank_shared.db import Connection, UnitOfWork
from tests.support.stack import migrated_connection


@pytest.fixture(scope="module")
def db() -> Iterator[Connection]:
    yield from migrated_connection("auth")


def customer(db: Connection, full_name: str, phone: str | None = None) -> str:
    user_id = uuid.uuid4()
    with UnitOfWork(db) as uow:
        assert UserRepository(uow.connection).add(user_id, f"{user_id.hex}@example.com", "x", full_name, phone,
                                                  ["customer"], "active")
    return str(user_id)


def search(db: Connection, query: str, also: list[uuid.UUID] | None = None) -> list[str]:
    with UnitOfWork(db) as uow:
        items, _after = administration.search_users(uow, "customer", query, None, 50, also or [])
    return [str(item["id"]) for item in items]


def found(db: Connection, query: str) -> set[str]:
    return set(search(db, query))


def test_cyrillic_names_match_in_any_case_and_with_yo_as_ye(db: Connection) -> None:
    marker = uuid.uuid4().hex[:8]
    anna = customer(db, f"Анна Петрова {marker}")
    pyotr = customer(db, f"ПЁТР Сидоров {marker}")
    latin = customer(db, f"Anna Smith {marker}")
    for query in (f"Петрова {marker}", f"петрова {marker}", f"ПЕТРОВА {marker}", f"анна петрова {marker}"):
        assert found(db, query) == {anna}, query
    for query in (f"Пётр Сидоров {marker}", f"петр сидоров {marker}", f"ПЕТР СИДОРОВ {marker}"):
        assert found(db, query) == {pyotr}, query
    assert found(db, f"ANNA SMITH {marker}") == {latin}
    assert found(db, f"Петрова {marker}x") == set()


def test_names_in_letters_beyond_the_russian_alphabet_match_in_any_case(db: Connection) -> None:
    """Letters migration 0006's `translate` does not list (Latin with diacritics, Kazakh Cyrillic) fold too: the
    match runs under the ICU root collation (bank_shared.sql_filters.Filter.search), not C-locale LIKE."""
    marker = uuid.uuid4().hex[:8]
    emile = customer(db, f"Émile Müller {marker}")
    aliya = customer(db, f"Әлия Нұрланқызы {marker}")
    for query in (f"émile müller {marker}", f"ÉMILE MÜLLER {marker}", "ÉMILE"):
        assert emile in found(db, query), query
    for query in (f"әлия нұрланқызы {marker}", f"ӘЛИЯ НҰРЛАНҚЫЗЫ {marker}", f"нұрланқызы {marker}"):
        assert found(db, query) == {aliya}, query


def test_email_matches_in_any_case_and_its_wildcards_are_literal(db: Connection) -> None:
    user_id = uuid.UUID(customer(db, "Почта"))
    assert str(user_id) in found(db, f"{user_id.hex.upper()}@EXAMPLE.COM")
    assert found(db, f"{user_id.hex[:8]}%{user_id.hex[-4:]}@example.com") == set()
    assert found(db, f"{user_id.hex[:8]}_") == set()


def test_phone_in_any_usual_form(db: Connection) -> None:
    tail = f"{uuid.uuid4().int % 10**9:09d}"
    phone_customer = customer(db, "Телефон", f"+7 (9{tail[:2]}) {tail[2:5]}-{tail[5:7]}-{tail[7:]}")
    number = f"9{tail}"
    for query in (f"+7{number}", f"8{number}", f"8 ({number[:3]}) {number[3:6]}-{number[6:8]}-{number[8:]}",
                  number, f"7-{number[:3]}-{number[3:]}"):
        assert phone_customer in found(db, query), query


def test_owners_given_by_office_are_found_by_id(db: Connection) -> None:
    owner = customer(db, "Владелец счёта")
    assert search(db, "40817810000000000001", [uuid.UUID(owner)]) == [owner]
