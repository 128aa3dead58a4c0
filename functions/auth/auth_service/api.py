"""HTTP routes of the auth service: parse, call one use case, shape the response."""

from __future__ import annotations

import base64
from datetime import datetime
from typing import Annotated, Any, Literal
from urllib.parse import parse_qs, unquote_plus
from uuid import UUID

import email_validator
from fastapi import APIRouter, Cookie, Depends, Query, Request, Response
from pydantic import BaseModel, EmailStr, Field, SecretStr

from auth_service import account_security, administration, mfa, service
from auth_service.discovery import well_known
from auth_service.errors import InvalidClient, UnsupportedGrantType
from auth_service.lifecycle_api import add_customer_lifecycle_routes
from auth_service.rate_limits import AUTH_RATE_LIMITS
from auth_service.refresh_cookie import COOKIE, clear_refresh_cookie, presented_token, set_refresh_cookie
from auth_service.security_api import security
from auth_service.session_client import session_client
from auth_service.settings import get_auth_settings
from auth_service.staff_api import add_staff_routes
from auth_service.throttle import LoginThrottle
from bank_shared.app import create_app
from bank_shared.auth import LiveAdminPrincipal, LivePrincipal, ServicePrincipal
from bank_shared.db import UnitOfWork
from bank_shared.errors import AppError, BadRequest
from bank_shared.one_time_links import link_key
from bank_shared.pagination import DEFAULT_LIMIT, MAX_LIMIT, decode_time_id, time_id_page
from bank_shared.phones import Phone
from bank_shared.redis_client import get_redis
from bank_shared.user_profile import UserFields

public = APIRouter(tags=["auth"])
account = APIRouter(tags=["account"])
admin = APIRouter(tags=["admin"])
internal = APIRouter(prefix="/internal", tags=["auth-internal"])
NO_STORE = {"Cache-Control": "no-store", "Pragma": "no-cache"}


def _allow_local_mail_domain() -> None:
    """The local stack's demo users live at @bank.local, a special-use name email-validator refuses by
    default; its documentation allows removing names from this list, which we do only locally."""
    if get_auth_settings().is_local and "local" in email_validator.SPECIAL_USE_DOMAIN_NAMES:
        email_validator.SPECIAL_USE_DOMAIN_NAMES.remove("local")


_allow_local_mail_domain()


# --------------------------------------------------------------------------- schemas


class RegisterRequest(BaseModel):
    email: EmailStr
    password: SecretStr = Field(max_length=256)
    full_name: str = Field(min_length=1, max_length=200)
    phone: Phone | None = None


class Accepted(BaseModel):
    status: Literal["accepted"] = "accepted"
    detail: str


class ActivateRequest(BaseModel):
    token: SecretStr = Field(min_length=10, max_length=200)


class EmailRequest(BaseModel):
    email: EmailStr


class LoginRequest(BaseModel):
    email: EmailStr
    password: SecretStr = Field(max_length=256)
    totp: str | None = Field(default=None, max_length=10)


class RefreshRequest(BaseModel):
    refresh_token: SecretStr | None = Field(default=None, min_length=10, max_length=200,
                                            description="Only for clients without the bank_refresh cookie")


class TokenResponse(BaseModel):
    access_token: str
    token_type: Literal["Bearer"] = "Bearer"
    expires_in: int
    refresh_expires_in: int | None = Field(default=None, description="Lifetime of the refresh token, which is "
                                                                     "set as the HttpOnly bank_refresh cookie")


class Profile(UserFields):
    mfa_enabled: bool
    created_at: datetime


class Activated(BaseModel):
    user_id: UUID
    status: Literal["active"] = "active"


class MfaSetup(BaseModel):
    secret: str
    otpauth_uri: str


class MfaCode(BaseModel):
    code: str = Field(min_length=6, max_length=10)


class MfaState(BaseModel):
    mfa_enabled: bool


class ResetRequest(BaseModel):
    token: SecretStr = Field(min_length=10, max_length=200)
    password: SecretStr = Field(max_length=256)


class RolesRequest(BaseModel):
    roles: list[Literal["customer", "employee", "admin"]] = Field(min_length=1, max_length=3)


StaffRole = Literal["employee", "admin"]


class StaffRequest(BaseModel):
    email: EmailStr
    password: SecretStr = Field(max_length=256)
    full_name: str = Field(min_length=1, max_length=200)
    phone: Phone | None = None
    roles: list[StaffRole] = Field(default_factory=lambda: list[StaffRole](["employee"]), min_length=1)


def _raise_or(outcome: service.TokenPair | AppError) -> service.TokenPair:
    """Failures that must persist (lockouts, revoked families) are raised only after the commit."""
    if isinstance(outcome, AppError):
        raise outcome
    return outcome


def _tokens(pair: service.TokenPair, response: Response) -> TokenResponse:
    response.headers.update(NO_STORE)
    set_refresh_cookie(response, pair.refresh_token, pair.refresh_expires_in)
    return TokenResponse(access_token=pair.access_token, expires_in=pair.expires_in,
                         refresh_expires_in=pair.refresh_expires_in)


RefreshCookie = Annotated[str | None, Cookie(alias=COOKIE, include_in_schema=False)]


def _body_token(request: RefreshRequest | None) -> str | None:
    return request.refresh_token.get_secret_value() if request and request.refresh_token else None


def login_throttle() -> LoginThrottle:
    return LoginThrottle(get_redis, get_auth_settings())


# --------------------------------------------------------------------------- public (no token)


@public.post("/register", status_code=202, response_model=Accepted)
def register(request: RegisterRequest) -> Accepted:
    """Create a pending customer; an activation link is e-mailed."""
    links = link_key()  # a Secrets Manager read: before the transaction, never inside it
    with UnitOfWork() as uow:
        service.register(uow, links, str(request.email), request.password.get_secret_value(), request.full_name,
                         request.phone)
    return Accepted(detail="If the address can be registered, an activation link has been sent to it")


@public.post("/activate", response_model=Activated)
def activate(request: ActivateRequest) -> Activated:
    """Activate an account with the one-time token from the e-mail link."""
    with UnitOfWork() as uow:
        user_id = service.activate(uow, request.token.get_secret_value())
    return Activated(user_id=user_id)


@public.post("/activation/resend", status_code=202, response_model=Accepted)
def resend_activation(request: EmailRequest) -> Accepted:
    """Send a fresh activation link to a pending account (the answer never reveals whether one exists)."""
    links = link_key()
    with UnitOfWork() as uow:
        service.resend_activation(uow, links, str(request.email))
    return Accepted(detail="If the account is awaiting activation, a new link has been sent")


@public.post("/login", response_model=TokenResponse)
def login(request: LoginRequest, response: Response, http: Request,
          throttle: Annotated[LoginThrottle, Depends(login_throttle)]) -> TokenResponse:
    """Password (+ TOTP code when MFA is on) → access token and refresh token."""
    outcome = mfa.in_transaction_opening_secrets(lambda uow: service.login(
        uow, throttle, str(request.email), request.password.get_secret_value(), request.totp, session_client(http)))
    return _tokens(_raise_or(outcome), response)


@public.post("/refresh", response_model=TokenResponse)
def refresh(response: Response, http: Request, cookie: RefreshCookie = None,
            request: RefreshRequest | None = None) -> TokenResponse:
    """Rotate the refresh token (the bank_refresh cookie, or the body's); a reused token revokes its whole
    session family. The new one is set as the cookie again."""
    token = presented_token(cookie, _body_token(request))
    with UnitOfWork() as uow:
        outcome = service.refresh(uow, token, session_client(http))
    return _tokens(_raise_or(outcome), response)


@public.post("/logout", status_code=204)
def logout(cookie: RefreshCookie = None, request: RefreshRequest | None = None) -> Response:
    """Revoke the session (the refresh token's family) and clear the cookie."""
    token = (cookie or _body_token(request) or "").strip()
    if token:
        with UnitOfWork() as uow:
            service.logout(uow, token)
    response = Response(status_code=204)
    clear_refresh_cookie(response)
    return response


@public.post("/password/forgot", status_code=202, response_model=Accepted)
def forgot_password(request: EmailRequest) -> Accepted:
    """E-mail a password-reset link (always 202)."""
    links = link_key()
    with UnitOfWork() as uow:
        service.forgot_password(uow, links, str(request.email))
    return Accepted(detail="If the address belongs to an account, a reset link has been sent to it")


@public.post("/password/reset", status_code=204)
def reset_password(request: ResetRequest) -> Response:
    """Set a new password with the one-time reset token; every session is signed out."""
    with UnitOfWork() as uow:
        service.reset_password(uow, request.token.get_secret_value(), request.password.get_secret_value())
    return Response(status_code=204)


@public.post("/token", response_model=TokenResponse)
async def token(request: Request, response: Response) -> TokenResponse:
    """OAuth2 client-credentials grant (form-encoded; client_secret_post or client_secret_basic)."""
    form = _form(await request.body())
    if form.get("grant_type") != "client_credentials":
        raise UnsupportedGrantType(error="unsupported_grant_type")
    client_id, client_secret = _client_credentials(request, form)
    with UnitOfWork() as uow:
        grant = service.client_credentials(uow, client_id, client_secret)
    response.headers.update(NO_STORE)
    return TokenResponse(access_token=grant.access_token, expires_in=grant.expires_in)  # signed now, committed


def _form(body: bytes) -> dict[str, str]:
    if len(body) > 4096:
        raise BadRequest("The request body is too large")
    try:
        parsed = parse_qs(body.decode(), keep_blank_values=False, strict_parsing=False)
    except UnicodeDecodeError as error:
        raise BadRequest("The form is not valid UTF-8") from error
    return {key: values[0] for key, values in parsed.items() if values}


def _client_credentials(request: Request, form: dict[str, str]) -> tuple[str, str]:
    header = request.headers.get("authorization", "")
    if header.lower().startswith("basic "):
        try:
            decoded = base64.b64decode(header[6:].strip(), validate=True).decode()
        except (ValueError, UnicodeDecodeError) as error:
            raise InvalidClient(error="invalid_client") from error
        client_id, _, client_secret = decoded.partition(":")
        return unquote_plus(client_id), unquote_plus(client_secret)
    if not form.get("client_id") or not form.get("client_secret"):
        raise InvalidClient(error="invalid_client")
    return form["client_id"], form["client_secret"]


# --------------------------------------------------------------------------- the signed-in user


@account.get("/me", response_model=Profile)
def me(principal: LivePrincipal) -> Profile:
    """The caller's profile and roles (a token of a signed-out session is refused: 401 `session_revoked`)."""
    with UnitOfWork() as uow:
        return Profile.model_validate(service.profile(uow, principal.subject))


@account.post("/mfa/setup", response_model=MfaSetup)
def mfa_setup(principal: LivePrincipal, response: Response) -> MfaSetup:
    """Start TOTP enrolment: a secret and its otpauth:// URI for the authenticator app."""
    new = account_security.new_mfa_secret(principal.subject)  # sealed (KMS) before the transaction opens
    with UnitOfWork() as uow:
        secret, uri = account_security.mfa_setup(uow, principal.subject, new)
    response.headers.update(NO_STORE)
    return MfaSetup(secret=secret, otpauth_uri=uri)


@account.post("/mfa/confirm", response_model=MfaState)
def mfa_confirm(request: MfaCode, principal: LivePrincipal) -> MfaState:
    """Turn MFA on with a first valid code."""
    mfa.in_transaction_opening_secrets(lambda uow: account_security.mfa_confirm(uow, principal.subject, request.code))
    return MfaState(mfa_enabled=True)


@account.post("/mfa/disable", response_model=MfaState)
def mfa_disable(request: MfaCode, principal: LivePrincipal) -> MfaState:
    """Turn MFA off (needs a current code)."""
    mfa.in_transaction_opening_secrets(lambda uow: account_security.mfa_disable(uow, principal.subject, request.code))
    return MfaState(mfa_enabled=False)


# --------------------------------------------------------------------------- administration


@admin.post("/users/{user_id}/roles", response_model=Profile)
def set_roles(user_id: UUID, request: RolesRequest, principal: LiveAdminPrincipal) -> Profile:
    """Replace a user's roles (admin only); effective from the user's next token."""
    with UnitOfWork() as uow:
        return Profile.model_validate(administration.set_roles(uow, principal.subject, user_id, request.roles))


def _new_employee(request: StaffRequest) -> Profile:
    """An active back-office account (both routes that create one)."""
    with UnitOfWork() as uow:
        created = administration.create_staff_user(uow, str(request.email), request.password.get_secret_value(),
                                            request.full_name, request.phone, request.roles)
    return Profile.model_validate(created)


@admin.post("/employees", status_code=201, response_model=Profile)
def create_employee(request: StaffRequest, _admin: LiveAdminPrincipal) -> Profile:
    """Create an active back-office account (admin only)."""
    return _new_employee(request)


# --------------------------------------------------------------------------- internal lookups (service role)


class UserMatches(BaseModel):
    items: list[Profile]


@internal.get("/users/by-phone", response_model=UserMatches)
def users_by_phone(_service: ServicePrincipal,
                   phone: Annotated[str, Query(min_length=6, max_length=30)]) -> UserMatches:
    """Active users with this phone number, compared by digits (P2P transfers by phone)."""
    with UnitOfWork() as uow:
        return UserMatches(items=[Profile.model_validate(user) for user in service.active_users_by_phone(uow, phone)])


class UserPage(BaseModel):
    items: list[Profile]
    next_cursor: str | None


@internal.get("/users", response_model=UserPage)
def search_users(
    _service: ServicePrincipal,
    kind: Literal["customer", "staff"] = "customer",
    query: Annotated[str | None, Query(max_length=100)] = None,
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = DEFAULT_LIMIT,
    cursor: Annotated[str | None, Query(max_length=200)] = None,
    also: Annotated[list[UUID], Query(max_length=100, description="Users matching besides the query")] = [],  # noqa: B006
    role: Literal["customer", "employee", "admin"] | None = None,
    status: Literal["pending", "active", "disabled"] | None = None,
) -> dict[str, Any]:
    """Customers (or staff: employees and admins), newest first, matching `query` in the e-mail, the name
    (any script, case-insensitive, ё as its plain letter) or the phone's digits, or listed in `also` (the back
    office's search: office adds the owners of an account number or card's last four digits it matched);
    `role` and `status` narrow the page (the employees list)."""
    with UnitOfWork() as uow:
        items, after = administration.search_users(uow, kind, query, decode_time_id(cursor), limit, also,
                                            role=role, status=status)
    return time_id_page(items, limit, after)


@internal.post("/employees", status_code=201, response_model=Profile)
def create_employee_internal(request: StaffRequest, _service: ServicePrincipal) -> Profile:
    """`POST /employees` for office, which has already checked that the caller is an admin."""
    return _new_employee(request)


@internal.get("/users/{user_id}", response_model=Profile)
def user_profile(user_id: UUID, _service: ServicePrincipal) -> Profile:
    """A user's profile for another service (e.g. the customer dashboard)."""
    with UnitOfWork() as uow:
        return Profile.model_validate(service.user_by_id(uow, user_id))


add_staff_routes(internal, Profile)
add_customer_lifecycle_routes(internal, Profile)
app = create_app("auth", routers=[well_known, public, account, security, admin, internal],
                 description="Users, roles, tokens and signing keys.", rate_limits=AUTH_RATE_LIMITS)
