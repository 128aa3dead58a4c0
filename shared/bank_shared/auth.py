"""Who is calling: the claims API Gateway's JWT authorizer verified, as FastAPI dependencies.

The gateway (HTTP API JWT authorizer, or the local emulator doing the same) has already checked the
signature, issuer, audience and expiry; the function only reads the claims it was handed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Depends, Request

from bank_shared.errors import Forbidden, Unauthorized
from bank_shared.sessions import ensure_session_live

CUSTOMER, EMPLOYEE, ADMIN, SERVICE = "customer", "employee", "admin", "service"
STAFF_ROLES = frozenset({EMPLOYEE, ADMIN})


@dataclass(frozen=True)
class Principal:
    subject: str
    roles: frozenset[str]
    scopes: frozenset[str]
    claims: dict[str, Any]

    @property
    def is_staff(self) -> bool:
        return bool(self.roles & STAFF_ROLES)

    @property
    def is_service(self) -> bool:
        return SERVICE in self.roles

    def has_any_role(self, *roles: str) -> bool:
        return bool(self.roles & set(roles))


def parse_claim_list(value: Any) -> frozenset[str]:
    """HTTP API hands claims over as strings: a JSON array becomes "[a b]"; accept real lists too."""
    if value is None:
        return frozenset()
    if isinstance(value, list | tuple | set | frozenset):
        return frozenset(str(item) for item in value)
    text = str(value).strip()
    if text.startswith("[") and text.endswith("]"):
        text = text[1:-1]
    return frozenset(part.strip(" \"'") for part in text.replace(",", " ").split() if part.strip(" \"'"))


def principal_from_claims(claims: dict[str, Any]) -> Principal:
    subject = claims.get("sub")
    if not subject:
        raise Unauthorized("The token has no subject")
    return Principal(
        subject=str(subject),
        roles=parse_claim_list(claims.get("roles")),
        scopes=parse_claim_list(claims.get("scope") or claims.get("scp")),
        claims=dict(claims),
    )


def claims_from_request(request: Request) -> dict[str, Any] | None:
    event: dict[str, Any] = request.scope.get("aws.event") or {}
    jwt = ((event.get("requestContext") or {}).get("authorizer") or {}).get("jwt") or {}
    claims = jwt.get("claims")
    return claims if isinstance(claims, dict) else None


def current_principal(request: Request) -> Principal:
    claims = claims_from_request(request)
    if claims is None:
        raise Unauthorized("A bearer token is required")
    return principal_from_claims(claims)


CurrentPrincipal = Annotated[Principal, Depends(current_principal)]


def require_roles(*roles: str, live: bool = False) -> Callable[[Principal], Principal]:
    """Dependency factory: the caller must hold one of `roles`. With `live`, the token's session must not
    have been revoked since it was issued (logout, refresh-token reuse, password reset: see
    bank_shared.sessions); money-moving routes and `/me` ask for that."""

    def dependency(principal: CurrentPrincipal) -> Principal:
        if not principal.has_any_role(*roles):
            raise Forbidden(f"Requires one of the roles: {', '.join(sorted(roles))}")
        if live:
            ensure_session_live(principal.claims)
        return principal

    return dependency


def live_principal(principal: CurrentPrincipal) -> Principal:
    """Any signed-in caller whose session is still live."""
    ensure_session_live(principal.claims)
    return principal


LivePrincipal = Annotated[Principal, Depends(live_principal)]


StaffPrincipal = Annotated[Principal, Depends(require_roles(EMPLOYEE, ADMIN))]
ServicePrincipal = Annotated[Principal, Depends(require_roles(SERVICE))]
