"""The refresh grace window (issue 14, docs/security.md) in the real stack: two refreshes racing with the same
token (a reload during a refresh, two tabs) both succeed in one session; the just-rotated token is honoured once
only, never once a successor has been rotated, and not after the window — each of those revokes the family."""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

from auth_service.tokens import hash_token
from bank_shared.db import Connection, UnitOfWork
from tests.support.refresh_cookie import refresh_cookie
from tests.support.stack import bearer, gateway_url, migrated_connection
from tests.support.users import create_users


@pytest.fixture(scope="module")
def db() -> Iterator[Connection]:
    yield from migrated_connection("auth")


def api(path: str) -> str:
    return f"{gateway_url()}/api{path}"


def sign_in() -> str:
    user = create_users(1, ("customer",), "grace")[0]
    answer = httpx.post(api("/auth/login"), json={"email": user.email, "password": user.password}, timeout=30)
    assert answer.status_code == 200, answer.text
    return refresh_cookie(answer)


def refresh(token: str) -> httpx.Response:
    return httpx.post(api("/auth/refresh"), headers={"Cookie": f"bank_refresh={token}"}, timeout=30)


def session_of(answer: httpx.Response) -> str:
    payload = answer.json()["access_token"].split(".")[1]
    return str(json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))["sid"])


def assert_family_revoked(*tokens: str) -> None:
    for token in tokens:
        answer = refresh(token)
        assert answer.status_code == 401 and answer.json()["code"] == "invalid_refresh_token", answer.text


def test_two_concurrent_refreshes_with_one_token_both_succeed_in_one_session() -> None:
    token = sign_in()
    with ThreadPoolExecutor(max_workers=2) as pool:
        answers = list(pool.map(refresh, [token, token]))
    assert [answer.status_code for answer in answers] == [200, 200], [answer.text for answer in answers]
    assert session_of(answers[0]) == session_of(answers[1])
    new_tokens = [refresh_cookie(answer) for answer in answers]
    assert len({token, *new_tokens}) == 3
    for answer in answers:
        assert httpx.get(api("/auth/me"), headers=bearer(answer.json()["access_token"]), timeout=30).status_code == 200
    # whichever cookie the browser kept carries the session on
    for new_token in new_tokens:
        assert refresh(new_token).status_code == 200


def test_the_just_rotated_token_is_honoured_once_only() -> None:
    token = sign_in()
    first = refresh(token)
    assert refresh(token).status_code == 200
    third = refresh(token)
    assert third.status_code == 401 and third.json()["code"] == "refresh_token_reused"
    assert_family_revoked(refresh_cookie(first))


def test_a_token_older_than_the_previous_one_revokes_the_family() -> None:
    token = sign_in()
    successor = refresh_cookie(refresh(token))
    newest = refresh_cookie(refresh(successor))
    answer = refresh(token)
    assert answer.status_code == 401 and answer.json()["code"] == "refresh_token_reused"
    assert_family_revoked(newest)


def test_reuse_after_the_window_revokes_the_family(db: Connection) -> None:
    token = sign_in()
    successor = refresh_cookie(refresh(token))
    with UnitOfWork(db) as uow:  # the rotation happened an hour ago: well past any window the settings allow
        uow.connection.execute("UPDATE refresh_tokens SET rotated_at = rotated_at - interval '1 hour' "
                               "WHERE token_hash = %s", (hash_token(token),))
    answer = refresh(token)
    assert answer.status_code == 401 and answer.json()["code"] == "refresh_token_reused"
    assert_family_revoked(successor)

