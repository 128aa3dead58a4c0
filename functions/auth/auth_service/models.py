"""Response models of auth's discovery documents (OpenID Provider metadata and the JWKS)."""

from __future__ import annotations

from pydantic import BaseModel


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
