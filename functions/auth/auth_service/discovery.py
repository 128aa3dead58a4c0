"""Auth's discovery documents: OpenID Provider metadata and the JWKS (API Gateway's JWT authorizer reads them)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Response
from pydantic import BaseModel

from auth_service.keys import jwks
from auth_service.settings import get_auth_settings

well_known = APIRouter(tags=["discovery"])


class OpenIdConfiguration(BaseModel):
    issuer: str
    jwks_uri: str
    token_endpoint: str
    id_token_signing_alg_values_supported: list[str]
    token_endpoint_auth_methods_supported: list[str]
    response_types_supported: list[str]
    subject_types_supported: list[str]
    grant_types_supported: list[str]


class Jwk(BaseModel):
    kty: str
    use: str
    alg: str
    kid: str
    n: str
    e: str


class Jwks(BaseModel):
    keys: list[Jwk]




@well_known.get("/.well-known/openid-configuration", response_model=OpenIdConfiguration)
def openid_configuration() -> dict[str, Any]:
    """OpenID Provider metadata: API Gateway's JWT authorizer finds the JWKS through it."""
    issuer = get_auth_settings().jwt_issuer
    return {
        "issuer": issuer,
        "jwks_uri": f"{issuer}/.well-known/jwks.json",
        "token_endpoint": f"{issuer}/token",
        "id_token_signing_alg_values_supported": ["RS256"],
        "token_endpoint_auth_methods_supported": ["client_secret_post", "client_secret_basic"],
        "response_types_supported": ["token"],
        "subject_types_supported": ["public"],
        "grant_types_supported": ["client_credentials"],
    }


@well_known.get("/.well-known/jwks.json", response_model=Jwks)
def jwks_document(response: Response) -> dict[str, Any]:
    """The public signing keys: current, previous and (during a rotation) next."""
    # As long as auth's own key cache: a rotation waits for both (auth_service.rotate_keys).
    response.headers["Cache-Control"] = f"public, max-age={get_auth_settings().signing_keys_cache_seconds}"
    return jwks()
