"""HTTP routes of the auth service."""

from typing import Any

from fastapi import APIRouter

from auth_service.keys import jwks
from auth_service.settings import get_auth_settings
from bank_shared.app import create_app

well_known = APIRouter(tags=["discovery"])


@well_known.get("/.well-known/openid-configuration")
def openid_configuration() -> dict[str, Any]:
    """OpenID Provider metadata: API Gateway's JWT authorizer finds the JWKS through it."""
    issuer = get_auth_settings().jwt_issuer
    return {
        "issuer": issuer,
        "jwks_uri": f"{issuer}/.well-known/jwks.json",
        "token_endpoint": f"{issuer}/token",
        "id_token_signing_alg_values_supported": ["RS256"],
        "response_types_supported": ["token"],
        "subject_types_supported": ["public"],
        "grant_types_supported": ["password", "refresh_token", "client_credentials"],
    }


@well_known.get("/.well-known/jwks.json")
def jwks_document() -> dict[str, Any]:
    """The public signing keys (current and previous)."""
    return jwks()


app = create_app("auth", routers=[well_known], description="Users, roles, tokens and signing keys.")
