"""The refresh token as auth hands it out: only in the HttpOnly `bank_refresh` cookie, never in the body."""

from __future__ import annotations

import httpx


def refresh_cookie(response: httpx.Response) -> str:
    for header in response.headers.get_list("set-cookie"):
        name, _, rest = header.partition("=")
        if name == "bank_refresh":
            return rest.split(";")[0]
    raise AssertionError(f"no bank_refresh cookie in {response.headers.get_list('set-cookie')}")
