"""The signed-in user's own security against the running stack (issue 14), through the local gateway: the
active sessions list (own only, this one marked, the client summary and network prefix stored), a remote
sign-out whose access token is refused at once, signing out everywhere else, and a password change that keeps
this session, ends the others, refuses a wrong current password with a code counted toward the lockout."""

from __future__ import annotations

import uuid

import httpx

from tests.support.refresh_cookie import refresh_cookie
from tests.support.stack import bearer, gateway_url
from tests.support.users import StackUser, create_users

FIREFOX = "Mozilla/5.0 (X11; Linux x86_64; rv:121.0) Gecko/20100101 Firefox/121.0"


def api(path: str) -> str:
    return f"{gateway_url()}/api/auth{path}"


def sign_in(user: StackUser, password: str | None = None, agent: str = FIREFOX) -> httpx.Response:
    answer = httpx.post(api("/login"), json={"email": user.email, "password": password or user.password},
                        headers={"User-Agent": agent}, timeout=30)
    assert answer.status_code == 200, answer.text
    return answer


def token(answer: httpx.Response) -> dict[str, str]:
    return bearer(answer.json()["access_token"])


def sessions(headers: dict[str, str]) -> list[dict[str, object]]:
    answer = httpx.get(api("/sessions"), headers=headers, timeout=30)
    assert answer.status_code == 200, answer.text
    items: list[dict[str, object]] = answer.json()["items"]
    return items


def test_sessions_are_listed_for_their_owner_and_a_remote_sign_out_is_effective_at_once() -> None:
    user, someone = create_users(2, ("customer",), "sessions")
    laptop, phone = token(sign_in(user)), token(sign_in(user, agent="Mozilla/5.0 (Linux; Android 14) Chrome/120.0"))
    others = token(sign_in(someone))
    listed = sessions(laptop)
    assert len(listed) == 2 and [s["current"] for s in listed] == [False, True]
    assert {s["client"] for s in listed} == {"Firefox, Linux", "Chrome, Android"}
    assert all(s["ip_prefix"] for s in listed)  # the /24 of the gateway's source address, never the address
    phone_session = str(listed[0]["id"])
    theirs = str(sessions(others)[0]["id"])

    refused = httpx.delete(api(f"/sessions/{theirs}"), headers=laptop, timeout=30)
    assert refused.status_code == 404 and refused.json()["code"] == "session_not_found"
    assert httpx.get(api("/me"), headers=others, timeout=30).status_code == 200
    assert httpx.delete(api(f"/sessions/{uuid.uuid4()}"), headers=laptop, timeout=30).status_code == 404

    ended = httpx.delete(api(f"/sessions/{phone_session}"), headers=laptop, timeout=30)
    assert ended.status_code == 200 and ended.json() == {"ended": 1}
    gone = httpx.get(api("/me"), headers=phone, timeout=30)
    assert gone.status_code == 401 and gone.json()["code"] == "session_revoked"
    assert [s["current"] for s in sessions(laptop)] == [True]


def test_signing_out_everywhere_else_keeps_only_this_session() -> None:
    user = create_users(1, ("customer",), "elsewhere")[0]
    here, first, second = (token(sign_in(user)) for _ in range(3))
    answer = httpx.post(api("/sessions/revoke-others"), headers=here, timeout=30)
    assert answer.status_code == 200 and answer.json() == {"ended": 2}
    for headers in (first, second):
        assert httpx.get(api("/me"), headers=headers, timeout=30).json()["code"] == "session_revoked"
    assert httpx.get(api("/me"), headers=here, timeout=30).status_code == 200


def change(headers: dict[str, str], current: str, new: str) -> httpx.Response:
    return httpx.post(api("/password/change"), headers=headers, timeout=30,
                      json={"current_password": current, "new_password": new})


def test_a_password_change_keeps_this_session_and_ends_the_others() -> None:
    user = create_users(1, ("customer",), "pwchange")[0]
    signed_in = sign_in(user)
    here, elsewhere = token(signed_in), token(sign_in(user))
    other_cookie = refresh_cookie(httpx.post(api("/login"), json={"email": user.email, "password": user.password},
                                             timeout=30))
    new = "Changed-pass-2026"

    weak = change(here, user.password, "short")
    assert weak.status_code == 422 and weak.json()["rules"] == ["min_length", "letter_and_digit"]
    reused = change(here, user.password, user.password)
    assert reused.status_code == 422 and reused.json()["code"] == "password_reused"
    wrong = change(here, "Not-my-password-1", new)
    assert wrong.status_code == 400 and wrong.json()["code"] == "wrong_current_password"

    changed = change(here, user.password, new)
    assert changed.status_code == 200 and changed.json() == {"ended": 2}, changed.text
    assert httpx.get(api("/me"), headers=here, timeout=30).status_code == 200
    assert httpx.get(api("/me"), headers=elsewhere, timeout=30).json()["code"] == "session_revoked"
    stale = httpx.post(api("/refresh"), headers={"Cookie": f"bank_refresh={other_cookie}"}, timeout=30)
    assert stale.status_code == 401
    kept = httpx.post(api("/refresh"), headers={"Cookie": f"bank_refresh={refresh_cookie(signed_in)}"}, timeout=30)
    assert kept.status_code == 200
    old = httpx.post(api("/login"), json={"email": user.email, "password": user.password}, timeout=30)
    assert old.status_code == 401
    sign_in(user, password=new)


def test_wrong_current_passwords_lock_sign_in_like_failed_sign_ins() -> None:
    user = create_users(1, ("customer",), "pwguess")[0]
    here = token(sign_in(user))
    codes = [change(here, f"Guess-{n}-password", "Another-pass-99").json()["code"] for n in range(5)]
    assert codes[:4] == ["wrong_current_password"] * 4 and codes[4] == "login_temporarily_locked"
    locked = httpx.post(api("/login"), json={"email": user.email, "password": user.password}, timeout=30)
    assert locked.status_code == 429 and locked.json()["code"] == "login_temporarily_locked"
