"""The JWT authorizer accepts exactly what API Gateway accepts; everything else is a 401."""

from __future__ import annotations

import asyncio
import base64
import json
import time
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from local_gateway.jwt_auth import AuthError, JwtVerifier, ScopeError, extract_token, stringify_claim
from local_gateway.template import JwtAuthorizerSpec

ISSUER = "http://issuer.test/api/auth"
SPEC = JwtAuthorizerSpec(name="Jwt", issuer=ISSUER, audiences=["bank-api", "other"])


@pytest.fixture(scope="module")
def key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


@pytest.fixture
def fetcher(key: rsa.RSAPrivateKey):
    jwk = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(key.public_key()))
    jwk.update(kid="k1", use="sig", alg="RS256")
    calls: list[str] = []

    async def fetch(url: str) -> Any:
        calls.append(url)
        if url == ISSUER + "/.well-known/openid-configuration":
            return {"issuer": ISSUER, "jwks_uri": ISSUER + "/.well-known/jwks.json"}
        if url == ISSUER + "/.well-known/jwks.json":
            return {"keys": [jwk]}
        raise OSError(url)

    fetch.calls = calls  # type: ignore[attr-defined]
    return fetch


def _claims(**overrides: Any) -> dict[str, Any]:
    now = int(time.time())
    claims = {"iss": ISSUER, "aud": "bank-api", "sub": "user-1", "iat": now, "exp": now + 300,
              "roles": ["customer", "employee"], "scope": "accounts:read ledger:write", "mfa": True}
    claims.update(overrides)
    return {k: v for k, v in claims.items() if v is not None}


def _sign(key: rsa.RSAPrivateKey, claims: dict[str, Any], kid: str = "k1") -> str:
    return jwt.encode(claims, key, algorithm="RS256", headers={"kid": kid})


def _authorize(fetcher, token: str | None, scopes: list[str] | None = None):
    headers = {"authorization": f"Bearer {token}"} if token else {}
    return asyncio.run(JwtVerifier(fetcher).authorize(SPEC, headers, scopes))


def test_valid_token(key, fetcher) -> None:
    result = _authorize(fetcher, _sign(key, _claims()))
    assert result.claims["sub"] == "user-1"
    assert result.claims["roles"] == "[customer employee]"
    assert result.claims["mfa"] == "true"
    assert result.claims["exp"].isdigit()
    assert result.scopes == ["accounts:read", "ledger:write"]
    assert result.as_authorizer() == {"jwt": {"claims": result.claims, "scopes": result.scopes}}


def test_audience_list_and_missing_scope(key, fetcher) -> None:
    result = _authorize(fetcher, _sign(key, _claims(aud=["x", "other"], scope=None)))
    assert result.scopes is None


def _b64(data: dict[str, Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()


def _tampered(token: str) -> str:
    header, _payload, signature = token.split(".")
    forged = _b64({**jwt.decode(token, options={"verify_signature": False}), "sub": "admin"})
    return f"{header}.{forged}.{signature}"


def _alg_none() -> str:
    return f"{_b64({'alg': 'none', 'kid': 'k1', 'typ': 'JWT'})}.{_b64(_claims())}."


def _hs256_with_public_key(key: rsa.RSAPrivateKey) -> str:
    public_pem = key.public_key().public_bytes(serialization.Encoding.PEM,
                                               serialization.PublicFormat.SubjectPublicKeyInfo)
    import hashlib
    import hmac

    signing_input = f"{_b64({'alg': 'HS256', 'kid': 'k1', 'typ': 'JWT'})}.{_b64(_claims())}"
    mac = hmac.new(public_pem, signing_input.encode(), hashlib.sha256).digest()
    return signing_input + "." + base64.urlsafe_b64encode(mac).rstrip(b"=").decode()


@pytest.mark.parametrize("make_token", [
    pytest.param(lambda key: _tampered(_sign(key, _claims())), id="tampered-signature"),
    pytest.param(lambda key: _alg_none(), id="alg-none"),
    pytest.param(_hs256_with_public_key, id="hs256-with-public-key"),
    pytest.param(lambda key: _sign(key, _claims(exp=int(time.time()) - 60)), id="expired"),
    pytest.param(lambda key: _sign(key, _claims(nbf=int(time.time()) + 60)), id="not-yet-valid"),
    pytest.param(lambda key: _sign(key, _claims(iat=int(time.time()) + 60)), id="issued-in-future"),
    pytest.param(lambda key: _sign(key, _claims(aud="someone-else")), id="wrong-audience"),
    pytest.param(lambda key: _sign(key, _claims(iss="http://evil.test")), id="wrong-issuer"),
    pytest.param(lambda key: _sign(key, _claims(exp=None)), id="no-exp"),
    pytest.param(lambda key: _sign(key, _claims(), kid="unknown"), id="unknown-kid"),
    pytest.param(lambda key: _sign(rsa.generate_private_key(public_exponent=65537, key_size=2048), _claims()),
                 id="other-key-same-kid"),
    pytest.param(lambda key: "not-a-jwt", id="garbage"),
    pytest.param(lambda key: None, id="missing"),
])
def test_rejected_tokens(key, fetcher, make_token) -> None:
    with pytest.raises(AuthError):
        _authorize(fetcher, make_token(key))


def test_required_scopes(key, fetcher) -> None:
    assert _authorize(fetcher, _sign(key, _claims()), ["ledger:write"]).claims
    with pytest.raises(ScopeError):
        _authorize(fetcher, _sign(key, _claims()), ["admin"])


def test_keys_are_cached_and_unknown_kid_refetch_is_rate_limited(key, fetcher) -> None:
    async def scenario() -> None:
        verifier = JwtVerifier(fetcher)
        headers = {"authorization": "Bearer " + _sign(key, _claims())}
        await verifier.authorize(SPEC, headers)
        await verifier.authorize(SPEC, headers)
        assert len(fetcher.calls) == 2  # discovery + jwks, once
        bad = {"authorization": "Bearer " + _sign(key, _claims(), kid="rotated")}
        for _ in range(3):
            with pytest.raises(AuthError):
                await verifier.authorize(SPEC, bad)
        assert len(fetcher.calls) == 2  # within the refetch interval: no stampede on the issuer

    asyncio.run(scenario())


def test_unknown_kid_triggers_refetch_after_interval(key, fetcher) -> None:
    clock = [1000.0]

    async def scenario() -> None:
        verifier = JwtVerifier(fetcher, now=lambda: clock[0])
        await verifier.authorize(SPEC, {"authorization": "Bearer " + _sign(key, _claims())})
        clock[0] += 60
        with pytest.raises(AuthError):
            await verifier.authorize(SPEC, {"authorization": "Bearer " + _sign(key, _claims(), kid="new")})
        assert len(fetcher.calls) == 4

    asyncio.run(scenario())


def test_claim_stringification() -> None:
    assert stringify_claim(["customer", "employee"]) == "[customer employee]"
    assert stringify_claim(1700000000) == "1700000000"
    assert stringify_claim(1.0) == "1"
    assert stringify_claim(False) == "false"
    assert stringify_claim({"b": 1, "a": "x"}) == "map[a:x b:1]"


def test_token_extraction() -> None:
    source = "$request.header.Authorization"
    assert extract_token({"authorization": "Bearer abc"}, source) == "abc"
    assert extract_token({"authorization": "abc"}, source) == "abc"
    assert extract_token({}, source) is None
    assert extract_token({"x-token": "t"}, "$request.header.X-Token") == "t"
