"""Auth end to end through the local API gateway (http://127.0.0.1:3000) on the running stack:
registration with the activation mail read from LocalStack's SES outbox, sessions, refresh rotation and
reuse detection, MFA, password reset, roles, service clients and rate limits."""

from __future__ import annotations

import re
import time
import uuid
from collections.abc import Iterator
from typing import Any

import httpx
import pyotp
import pytest

from tests.support.refresh_cookie import refresh_cookie
from tests.support.stack import bearer, database_url, gateway_url, mint_token, stack

PASSWORD = "Correct-horse-42"
SES_URL = f"{stack()['localstack_url']}/_aws/ses"
# Subjects of the link mails in Russian, the language of a user who has not chosen one (templates in
# functions/notifications/notifications_service/texts/).
ACTIVATION_SUBJECT = "Подтвердите адрес электронной почты"
RESET_SUBJECT = "Сброс пароля банка"  # noqa: RUF001 - Russian
WELCOME_SUBJECT = "Добро пожаловать в банк"


@pytest.fixture(scope="module")
def api() -> Iterator[httpx.Client]:
    with httpx.Client(base_url=f"{gateway_url()}/api", timeout=30) as client:
        yield client


def unique_email(tag: str) -> str:
    return f"{tag}-{uuid.uuid4().hex[:12]}@example.com"


def wait_for_mail(email: str, subject_word: str, timeout: float = 30.0) -> str:
    """The newest mail to `email` whose subject mentions `subject_word`, from LocalStack's SES outbox."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        messages = httpx.get(SES_URL, params={"email": "no-reply@bank.local"}, timeout=10).json()["messages"]
        found = [m for m in messages
                 if email in m["Destination"]["ToAddresses"] and subject_word in m["Subject"]]
        if found:
            body = found[-1]["Body"]
            return str(body.get("text_part") or body.get("html_part"))
        time.sleep(0.5)
    raise AssertionError(f"no '{subject_word}' mail to {email} within {timeout} s")


def token_from(mail: str, path: str) -> str:
    match = re.search(rf"{re.escape(gateway_url())}/banking-service/{path}\?token=([A-Za-z0-9_\-]+)", mail)
    assert match, mail
    return match.group(1)


def register_and_activate(api: httpx.Client, email: str) -> str:
    response = api.post("/auth/register", json={"email": email, "password": PASSWORD, "full_name": "E2E User",
                                                "phone": "+7 999 123-45-67"})
    assert response.status_code == 202, response.text
    token = token_from(wait_for_mail(email, ACTIVATION_SUBJECT), "activate")
    activated = api.post("/auth/activate", json={"token": token})
    assert activated.status_code == 200, activated.text
    return token


def login(api: httpx.Client, email: str, password: str = PASSWORD, **extra: Any) -> httpx.Response:
    return api.post("/auth/login", json={"email": email, "password": password, **extra})



def assert_problem(response: httpx.Response, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    body: dict[str, Any] = response.json()
    assert body["code"] == code, body
    return body


def test_register_mail_activate_login_me(api: httpx.Client) -> None:
    email = unique_email("flow")
    activation_token = register_and_activate(api, email)
    # the activation link is single use
    assert_problem(api.post("/auth/activate", json={"token": activation_token}), 400, "invalid_token")

    response = login(api, email)
    assert response.status_code == 200, response.text
    tokens = response.json()
    assert tokens["token_type"] == "Bearer" and tokens["expires_in"] > 0 and "refresh_token" not in tokens
    assert refresh_cookie(response)
    assert response.headers["cache-control"] == "no-store"

    me = api.get("/auth/me", headers=bearer(tokens["access_token"]))
    assert me.status_code == 200, me.text
    assert me.json()["email"] == email and me.json()["roles"] == ["customer"]
    assert me.json()["status"] == "active" and me.json()["mfa_enabled"] is False


def test_pending_user_cannot_sign_in_and_can_get_a_new_link(api: httpx.Client) -> None:
    email = unique_email("pending")
    api.post("/auth/register", json={"email": email, "password": PASSWORD, "full_name": "Pending"})
    first = token_from(wait_for_mail(email, ACTIVATION_SUBJECT), "activate")
    assert_problem(login(api, email), 403, "account_not_active")
    assert api.post("/auth/activation/resend", json={"email": email}).status_code == 202
    deadline = time.monotonic() + 30
    second = first
    while second == first and time.monotonic() < deadline:
        second = token_from(wait_for_mail(email, ACTIVATION_SUBJECT), "activate")
        time.sleep(0.3)
    assert second != first
    assert_problem(api.post("/auth/activate", json={"token": first}), 400, "invalid_token")
    assert api.post("/auth/activate", json={"token": second}).status_code == 200


def test_unknown_email_and_wrong_password_get_the_same_answer(api: httpx.Client) -> None:
    email = unique_email("enum")
    register_and_activate(api, email)
    wrong = assert_problem(login(api, email, "Wrong-password-1"), 401, "invalid_credentials")
    unknown = assert_problem(login(api, unique_email("nobody"), "Wrong-password-1"), 401, "invalid_credentials")
    assert {k: v for k, v in wrong.items() if k != "instance"} == {k: v for k, v in unknown.items()
                                                                  if k != "instance"}
    # registering a taken address answers exactly like a new one
    again = api.post("/auth/register", json={"email": email, "password": PASSWORD, "full_name": "X"})
    assert again.status_code == 202


def test_weak_password_is_a_problem(api: httpx.Client) -> None:
    response = api.post("/auth/register", json={"email": unique_email("weak"), "password": "short",
                                                "full_name": "Weak"})
    assert_problem(response, 422, "weak_password")


def test_protected_route_of_another_service(api: httpx.Client) -> None:
    target = f"/notifications/{uuid.uuid4()}"
    no_token = api.get(target)
    assert no_token.status_code == 401
    staff = login(api, stack()["demo_users"]["employee"]["email"], stack()["demo_users"]["employee"]["password"])
    assert staff.status_code == 200, staff.text
    passed = api.get(target, headers=bearer(staff.json()["access_token"]))
    assert_problem(passed, 404, "notification_not_found")  # the function ran: the authorizer let it through


def revoked_everywhere(api: httpx.Client, access_token: str) -> None:
    """F6: an access token of a revoked session stops working at once for /me and money-moving routes."""
    assert_problem(api.get("/auth/me", headers=bearer(access_token)), 401, "session_revoked")
    transfer = {"from_account_id": str(uuid.uuid4()), "to_phone": "+79990000000", "amount": "1.00",
                "currency": "RUB"}
    assert_problem(api.post("/customer/transfer", json=transfer,
                            headers={**bearer(access_token), "Idempotency-Key": str(uuid.uuid4())}),
                   401, "session_revoked")


def test_refresh_rotates_and_reuse_revokes_the_family(api: httpx.Client) -> None:
    email = unique_email("refresh")
    register_and_activate(api, email)
    first = refresh_cookie(login(api, email))
    rotated = api.post("/auth/refresh", json={"refresh_token": first})
    assert rotated.status_code == 200, rotated.text
    second = refresh_cookie(rotated)
    assert second != first
    current_access = rotated.json()["access_token"]
    assert api.get("/auth/me", headers=bearer(current_access)).status_code == 200
    other_session = login(api, email).json()["access_token"]

    # the just-rotated token is honoured once more within the grace window (docs/security.md), never twice
    assert api.post("/auth/refresh", json={"refresh_token": first}).status_code == 200
    assert_problem(api.post("/auth/refresh", json={"refresh_token": first}), 401, "refresh_token_reused")
    # the whole family is gone, including the token that was still current, and its access tokens
    assert_problem(api.post("/auth/refresh", json={"refresh_token": second}), 401, "invalid_refresh_token")
    revoked_everywhere(api, current_access)
    assert api.get("/auth/me", headers=bearer(other_session)).status_code == 200  # another session lives on


def test_logout_revokes_the_session(api: httpx.Client) -> None:
    email = unique_email("logout")
    register_and_activate(api, email)
    signed_in = login(api, email)
    session = {**signed_in.json(), "refresh_token": refresh_cookie(signed_in)}
    assert api.get("/auth/me", headers=bearer(session["access_token"])).status_code == 200
    assert api.post("/auth/logout", json={"refresh_token": session["refresh_token"]}).status_code == 204
    assert_problem(api.post("/auth/refresh", json={"refresh_token": session["refresh_token"]}), 401,
                   "invalid_refresh_token")
    revoked_everywhere(api, session["access_token"])


def test_mfa_setup_confirm_login_with_code_and_disable(api: httpx.Client) -> None:
    email = unique_email("mfa")
    register_and_activate(api, email)
    access = login(api, email).json()["access_token"]
    setup = api.post("/auth/mfa/setup", headers=bearer(access))
    assert setup.status_code == 200, setup.text
    secret = setup.json()["secret"]
    assert setup.json()["otpauth_uri"].startswith("otpauth://totp/")
    totp = pyotp.TOTP(secret)
    assert_problem(api.post("/auth/mfa/confirm", json={"code": "000000"}, headers=bearer(access)), 400,
                   "invalid_mfa_code")
    confirmed = api.post("/auth/mfa/confirm", json={"code": totp.now()}, headers=bearer(access))
    assert confirmed.status_code == 200 and confirmed.json() == {"mfa_enabled": True}

    assert_problem(login(api, email), 401, "mfa_required")
    assert_problem(login(api, email, totp="123456" if totp.now() != "123456" else "654321"), 401,
                   "invalid_mfa_code")
    login_step = int(time.time() // 30) + 1
    next_code = totp.at(login_step * 30)  # the confirm code is spent; the next step is accepted
    signed_in = login(api, email, totp=next_code)
    assert signed_in.status_code == 200, signed_in.text
    assert_problem(login(api, email, totp=next_code), 401, "invalid_mfa_code")  # no replay

    token = signed_in.json()["access_token"]
    assert api.get("/auth/me", headers=bearer(token)).json()["mfa_enabled"] is True
    # F5: the code that signed in (read over a shoulder) cannot switch MFA off; neither can older ones
    for used in (next_code, totp.now()):
        assert_problem(api.post("/auth/mfa/disable", json={"code": used}, headers=bearer(token)), 400,
                       "invalid_mfa_code")
    # a fresh code can: wait until the clock reaches the step the sign-in used, then the one after it is
    # within the allowed drift
    while int(time.time() // 30) < login_step:
        time.sleep(0.5)
    disabled = api.post("/auth/mfa/disable", json={"code": totp.at((login_step + 1) * 30)}, headers=bearer(token))
    assert disabled.status_code == 200 and disabled.json() == {"mfa_enabled": False}
    assert login(api, email).status_code == 200


def test_password_forgot_and_reset(api: httpx.Client) -> None:
    email = unique_email("reset")
    register_and_activate(api, email)
    old_login = login(api, email)
    old_session, old_refresh = old_login.json(), refresh_cookie(old_login)
    assert api.post("/auth/password/forgot", json={"email": email}).status_code == 202
    assert api.post("/auth/password/forgot", json={"email": unique_email("ghost")}).status_code == 202
    token = token_from(wait_for_mail(email, RESET_SUBJECT), "reset-password")
    assert_problem(api.post("/auth/password/reset", json={"token": token, "password": "short"}), 422,
                   "weak_password")
    new_password = "Brand-new-pass-77"
    assert api.post("/auth/password/reset", json={"token": token, "password": new_password}).status_code == 204
    assert_problem(api.post("/auth/password/reset", json={"token": token, "password": new_password}), 400,
                   "invalid_token")
    assert_problem(login(api, email), 401, "invalid_credentials")
    new_session = login(api, email, new_password)
    assert new_session.status_code == 200
    assert_problem(api.post("/auth/refresh", json={"refresh_token": old_refresh}), 401, "invalid_refresh_token")
    revoked_everywhere(api, old_session["access_token"])  # a thief's copy of the old session dies with it
    assert api.get("/auth/me", headers=bearer(new_session.json()["access_token"])).status_code == 200


def test_admin_manages_roles_and_creates_employees(api: httpx.Client) -> None:
    demo = stack()["demo_users"]
    admin = login(api, demo["admin"]["email"], demo["admin"]["password"])
    assert admin.status_code == 200, admin.text
    admin_token = admin.json()["access_token"]
    employee_email = unique_email("staff")
    created = api.post("/auth/employees", headers=bearer(admin_token),
                       json={"email": employee_email, "password": PASSWORD, "full_name": "New Staff"})
    assert created.status_code == 201, created.text
    assert created.json()["roles"] == ["employee"] and created.json()["status"] == "active"
    staff_token = login(api, employee_email).json()["access_token"]
    assert_problem(api.post("/auth/employees", headers=bearer(staff_token),
                            json={"email": unique_email("x"), "password": PASSWORD, "full_name": "X"}),
                   403, "forbidden")
    user_id = created.json()["id"]
    assert_problem(api.post(f"/auth/users/{user_id}/roles", headers=bearer(staff_token),
                            json={"roles": ["admin"]}), 403, "forbidden")
    changed = api.post(f"/auth/users/{user_id}/roles", headers=bearer(admin_token),
                       json={"roles": ["employee", "customer"]})
    assert changed.status_code == 200 and changed.json()["roles"] == ["customer", "employee"]
    assert login(api, employee_email).status_code == 200


@pytest.fixture
def oauth_client() -> Iterator[dict[str, str]]:
    """An external OAuth2 client registered for this test (services themselves need none: they invoke each
    other's functions directly), disabled afterwards."""
    from auth_service.passwords import hash_password
    from auth_service.repository import ClientRepository
    from bank_shared.db import connect

    credentials = {"client_id": f"test-client-{uuid.uuid4().hex[:8]}", "client_secret": uuid.uuid4().hex}
    with connect(database_url("auth")) as connection:
        ClientRepository(connection).upsert(credentials["client_id"], hash_password(credentials["client_secret"]),
                                            ["service"])
    yield credentials
    with connect(database_url("auth")) as connection:
        ClientRepository(connection).disable([credentials["client_id"]])


def test_client_credentials_token_for_an_external_client(api: httpx.Client, oauth_client: dict[str, str]) -> None:
    response = api.post("/auth/token", data={"grant_type": "client_credentials", **oauth_client})
    assert response.status_code == 200, response.text
    service_token = response.json()["access_token"]
    passed = api.get(f"/notifications/{uuid.uuid4()}", headers=bearer(service_token))
    assert_problem(passed, 404, "notification_not_found")
    wrong = api.post("/auth/token", data={"grant_type": "client_credentials", "client_id": oauth_client["client_id"],
                                          "client_secret": "not-the-secret"})
    assert_problem(wrong, 401, "invalid_client")
    assert_problem(api.post("/auth/token", data={"grant_type": "password"}), 400, "unsupported_grant_type")


def test_brute_force_ends_in_lockout(api: httpx.Client) -> None:
    email = unique_email("brute")
    register_and_activate(api, email)
    codes = [login(api, email, f"Wrong-password-{i}").status_code for i in range(5)]
    assert codes == [401, 401, 401, 401, 429]
    locked = assert_problem(login(api, email), 429, "login_temporarily_locked")  # even the right password
    assert int(api.post("/auth/login", json={"email": email, "password": PASSWORD}).headers["retry-after"]) > 0
    assert locked["status"] == 429
    # unknown addresses lock the same way (no enumeration through the lockout)
    ghost = unique_email("ghost")
    assert [login(api, ghost, "Wrong-password-1").status_code for _ in range(5)][-1] == 429


def test_rate_limit_per_user_yields_429_with_retry_after(api: httpx.Client) -> None:
    token = mint_token(str(uuid.uuid4()))
    statuses: list[int] = []
    last = None
    for _ in range(400):
        last = api.get("/auth/me", headers=bearer(token))
        statuses.append(last.status_code)
        if last.status_code == 429:
            break
    assert last is not None and last.status_code == 429, statuses[-3:]
    assert_problem(last, 429, "rate_limited")
    assert int(last.headers["retry-after"]) >= 1
    # another user is not affected
    assert api.get("/auth/me", headers=bearer(mint_token(str(uuid.uuid4())))).status_code == 404
