"""Route selection precedence as HTTP API documents it."""

from __future__ import annotations

from local_gateway.routing import Router
from local_gateway.template import HttpRoute


def _route(method: str, path: str, fn: str) -> HttpRoute:
    return HttpRoute(function_id=fn, api_id="Api", method=method, path=path, authorizer=None)


ROUTER = Router([
    _route("ANY", "/api/{proxy+}", "catch-api"),
    _route("ANY", "/api/ledger/{proxy+}", "ledger-any"),
    _route("GET", "/api/ledger/{proxy+}", "ledger-get"),
    _route("GET", "/api/ledger/accounts/{id}", "ledger-account"),
    _route("GET", "/api/ledger/accounts/me", "ledger-me"),
    _route("ANY", "/api/ledger/accounts/{id}/history", "ledger-history-any"),
    _route("GET", "/api/auth/.well-known/jwks.json", "jwks"),
])


def _fn(method: str, path: str) -> str | None:
    match = ROUTER.match(method, path)
    return match.route.function_id if match else None


def test_exact_beats_param_beats_greedy() -> None:
    assert _fn("GET", "/api/ledger/accounts/me") == "ledger-me"
    assert _fn("GET", "/api/ledger/accounts/42") == "ledger-account"
    assert _fn("GET", "/api/ledger/accounts/42/other") == "ledger-get"


def test_method_specific_beats_any() -> None:
    assert _fn("GET", "/api/ledger/transfers") == "ledger-get"
    assert _fn("POST", "/api/ledger/transfers") == "ledger-any"


def test_longest_greedy_prefix_wins() -> None:
    assert _fn("POST", "/api/other/x") == "catch-api"
    assert _fn("DELETE", "/api/ledger/a/b/c") == "ledger-any"


def test_path_parameters() -> None:
    match = ROUTER.match("GET", "/api/ledger/accounts/a%20b")
    assert match is not None and match.path_parameters == {"id": "a b"}
    match = ROUTER.match("PUT", "/api/ledger/x/y/z")
    assert match is not None and match.path_parameters == {"proxy": "x/y/z"}
    match = ROUTER.match("POST", "/api/ledger/accounts/7/history")
    assert match is not None and match.route.function_id == "ledger-history-any"
    assert match.path_parameters == {"id": "7"}


def test_greedy_needs_a_segment_and_unknown_is_none() -> None:
    assert _fn("GET", "/api/ledger") == "catch-api"
    assert _fn("GET", "/api") is None
    assert _fn("GET", "/elsewhere") is None
    assert ROUTER.has_path("/api/auth/.well-known/jwks.json")
    assert not ROUTER.has_path("/lk")


def test_default_route_catches_everything_else() -> None:
    router = Router([_route("ANY", "$default", "default"), _route("GET", "/a", "a")])
    assert router.match("GET", "/a").route.function_id == "a"
    assert router.match("POST", "/zzz").route.route_key == "$default"
