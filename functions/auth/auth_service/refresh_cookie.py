"""The refresh token travels only in an HttpOnly cookie, out of JavaScript's reach (issue 14).

Sign-in and every rotation set `bank_refresh` as `HttpOnly; Secure; SameSite=Strict`, once per path that
reads it (`/api/auth/refresh` and `/api/auth/logout`: the browser sends it nowhere else); the JSON answer
carries only the access token. Browsers accept a `Secure` cookie from `http://localhost`, so the local
gateway needs no TLS (docs/security.md "Refresh token cookie"). A client without a cookie jar (the test
tiers, a load test) may still present the token in the JSON body of refresh and logout.
"""

from __future__ import annotations

from fastapi import Response

from auth_service.errors import InvalidRefreshToken

COOKIE = "bank_refresh"
PATHS = ("/api/auth/refresh", "/api/auth/logout")


def set_refresh_cookie(response: Response, token: str, max_age: int) -> None:
    for path in PATHS:
        response.set_cookie(COOKIE, token, max_age=max_age, path=path, secure=True, httponly=True,
                            samesite="strict")


def clear_refresh_cookie(response: Response) -> None:
    for path in PATHS:
        response.delete_cookie(COOKIE, path=path, secure=True, httponly=True, samesite="strict")


def presented_token(cookie: str | None, body_token: str | None) -> str:
    """The cookie's token, else the body's; neither is a 401 (sign in again)."""
    token = (cookie or body_token or "").strip()
    if not token:
        raise InvalidRefreshToken("No refresh token was presented; sign in again")
    return token
