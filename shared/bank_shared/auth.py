"""Who is calling: the claims API Gateway's JWT authorizer verified, as FastAPI dependencies.

The gateway (HTTP API JWT authorizer, or the local emulator doing the same) has already checked the
signature, issuer, audience and expiry; the function only reads the claims it was handed. Another bank
function that invokes this one directly hands over its service identity the same way
(`bank_shared.direct_invoke`).

Acting for an employee: the back office calls other services with its own service identity and names the
employee it acts for in the `X-Acting-Employee` header. Only a direct invoke from a service named in
`SERVICES_ACTING_FOR_STAFF` (configuration: the template names the back office) may do so; anyone else naming
an employee is refused (403). Such a principal counts as staff (role `employee`) and `actor` is the employee,
whom the callee records (who opened the account, who initiated the top-up).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Annotated, Any, Literal
from uuid import UUID

from fastapi import Depends, Request

from bank_shared.direct_invoke import direct_caller
from bank_shared.errors import BadRequest, Forbidden, Unauthorized, Unprocessable
from bank_shared.sessions import ensure_session_live
from bank_shared.settings import get_settings

CUSTOMER, EMPLOYEE, ADMIN, SERVICE = "customer", "employee", "admin", "service"
STAFF_ROLES = frozenset({EMPLOYEE, ADMIN})
ACTING_EMPLOYEE_HEADER = "x-acting-employee"


class ActingEmployeeRefused(Forbidden):
    code, title = "acting_employee_refused", "Only the back office may act for an employee"


@dataclass(frozen=True)
class Principal:
    subject: str
    roles: frozenset[str]
    scopes: frozenset[str]
    claims: dict[str, Any]
    acting_employee: str | None = None  # the employee a service acting for staff names

    @property
    def actor(self) -> str:
        """Whom the action is recorded for: the employee a service acts for, otherwise the caller."""
        return self.acting_employee or self.subject

    @property
    def effective_roles(self) -> frozenset[str]:
        return (self.roles | {EMPLOYEE}) if self.acting_employee else self.roles

    @property
    def is_staff(self) -> bool:
        return bool(self.effective_roles & STAFF_ROLES)

    @property
    def is_service(self) -> bool:
        return SERVICE in self.roles

    def has_any_role(self, *roles: str) -> bool:
        return bool(self.effective_roles & set(roles))


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
    principal = principal_from_claims(claims)
    acting = request.headers.get(ACTING_EMPLOYEE_HEADER)
    if acting is None:
        return principal
    return replace(principal, acting_employee=acting_employee(principal, direct_caller(request.scope), acting))


def acting_employee(principal: Principal, caller: str | None, value: str) -> str:
    """The employee id a service names, if that service may act for staff (else ActingEmployeeRefused)."""
    if caller is None or caller not in get_settings().acting_for_staff or not principal.is_service \
            or principal.claims.get("client_id") != caller:
        raise ActingEmployeeRefused(f"{ACTING_EMPLOYEE_HEADER} is accepted only from the back office")
    try:
        return str(UUID(value.strip()))
    except ValueError:
        raise BadRequest(f"{ACTING_EMPLOYEE_HEADER} must be an employee id") from None


CurrentPrincipal = Annotated[Principal, Depends(current_principal)]


def customer_id(principal: Principal, refusal: str) -> UUID:
    """The caller's own customer id (the token's subject); a principal that is no user is refused (`refusal`)."""
    try:
        return UUID(principal.subject)
    except ValueError:
        raise Forbidden(refusal) from None


def customer_acted_for(principal: Principal, named: UUID | None, *, field: str, refusal: str,
                       named_by: Literal["service", "staff"] = "service") -> UUID:
    """The customer a request acts for: a calling service (or, with `named_by="staff"`, an employee) must name
    them (in `field`); a customer acts only for themselves (naming someone else is refused)."""
    if principal.is_staff if named_by == "staff" else principal.is_service:
        if named is None:
            raise Unprocessable(f"{'Staff' if named_by == 'staff' else 'A service'} must name the customer ({field})")
        return named
    if named is not None and str(named) != principal.subject:
        raise Forbidden("Customers act only for themselves")
    return customer_id(principal, refusal)


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

# Who may call a route, named once (a route takes one of these; a service may name one differently in its own
# dependencies module, as office calls its live staff `Staff`). `Live…`: the token's session must still be live.
UserPrincipal = Annotated[Principal, Depends(require_roles(CUSTOMER, EMPLOYEE, ADMIN))]
UserOrServicePrincipal = Annotated[Principal, Depends(require_roles(CUSTOMER, EMPLOYEE, ADMIN, SERVICE))]
CustomerPrincipal = Annotated[Principal, Depends(require_roles(CUSTOMER))]
LiveCustomerPrincipal = Annotated[Principal, Depends(require_roles(CUSTOMER, live=True))]
LiveCustomerOrServicePrincipal = Annotated[Principal, Depends(require_roles(CUSTOMER, SERVICE, live=True))]
AdminPrincipal = Annotated[Principal, Depends(require_roles(ADMIN))]
LiveAdminPrincipal = Annotated[Principal, Depends(require_roles(ADMIN, live=True))]
LiveStaffPrincipal = Annotated[Principal, Depends(require_roles(EMPLOYEE, ADMIN, live=True))]
