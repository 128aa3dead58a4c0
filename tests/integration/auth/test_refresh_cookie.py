"""The refresh token travels only in the HttpOnly bank_refresh cookie, through the local gateway (issue 14):
sign-in sets it (HttpOnly, Secure, SameSite=Strict, once per path that reads it) and leaves it out of the
JSON; refresh takes it from the cookie and sets the rotated one; logout revokes it and clears the cookie."""

from __future__ import annotations

import httpx

from tests.support.stack import bearer, gateway_url
from tests.support.users import create_users

PATHS = {"/api/auth/refresh", "/api/auth/logout"}


def api(path: str) -> str:
    return f"{gateway_url()}/api{path}"


def cookies_of(response: httpx.Response) -> list[dict[str, str]]:
    """Every bank_refresh Set-Cookie as {attribute (lower case): value}, the token under 'value'."""
    found = []
    for header in response.headers.get_list("set-cookie"):
        first, *attributes = [part.strip() for part in header.split(";")]
        name, _, value = first.partition("=")
        if name == "bank_refresh":
            pairs = (attribute.partition("=") for attribute in attributes)
            found.append({"value": value, **{key.lower(): val for key, _, val in pairs}})
    return found


def test_sign_in_refresh_and_logout_through_the_cookie() -> None:
    user = create_users(1, ("customer",), "cookie")[0]
    signed_in = httpx.post(api("/auth/login"), json={"email": user.email, "password": user.password}, timeout=30)
    assert signed_in.status_code == 200, signed_in.text
    assert "refresh_token" not in signed_in.json()
    cookies = cookies_of(signed_in)
    assert {cookie["path"] for cookie in cookies} == PATHS
    for cookie in cookies:
        assert {"httponly", "secure"} <= cookie.keys() and cookie["samesite"].lower() == "strict"
        assert int(cookie["max-age"]) == signed_in.json()["refresh_expires_in"]
    token = cookies[0]["value"]
    assert token and all(cookie["value"] == token for cookie in cookies)

    rotated = httpx.post(api("/auth/refresh"), headers={"Cookie": f"bank_refresh={token}"}, timeout=30)
    assert rotated.status_code == 200, rotated.text
    new_token = cookies_of(rotated)[0]["value"]
    assert new_token != token and "refresh_token" not in rotated.json()
    assert httpx.get(api("/auth/me"), headers=bearer(rotated.json()["access_token"]), timeout=30).status_code == 200

    logged_out = httpx.post(api("/auth/logout"), headers={"Cookie": f"bank_refresh={new_token}"}, timeout=30)
    assert logged_out.status_code == 204
    cleared = cookies_of(logged_out)
    assert {cookie["path"] for cookie in cleared} == PATHS and all(c["max-age"] == "0" for c in cleared)
    again = httpx.post(api("/auth/refresh"), headers={"Cookie": f"bank_refresh={new_token}"}, timeout=30)
    assert again.status_code == 401 and again.json()["code"] == "invalid_refresh_token"


def test_refresh_without_any_token_is_a_401_problem() -> None:
    answer = httpx.post(api("/auth/refresh"), timeout=30)
    assert answer.status_code == 401 and answer.json()["code"] == "invalid_refresh_token"
