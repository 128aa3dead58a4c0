"""auth's use cases in the fast tier over in-memory repositories: registration and activation reveal no
accounts and mail within a quota, sign-in counts failures to a lockout, MFA set-up and removal refuse used
codes, a password reset ends every session, refresh and logout revoke, administration keeps an admin, the
client-credentials grant. Secrets never reach an event. Each test names the bug that makes it fail."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any
from uuid import UUID

import pyotp
import pytest
from auth_fakes import LINKS, PASSWORD, Realm, claims

from auth_service import account_security, administration, errors, mfa, passwords, service
from auth_service.tokens import hash_token
from bank_shared.errors import BadRequest, DependencyUnavailable
from bank_shared.one_time_links import ACTIVATION, PASSWORD_RESET

EMAIL = "ann@example.com"


def register(realm: Realm, email: str = EMAIL) -> None:
    realm.run(service.register, LINKS, f"  {email.upper()} ", PASSWORD, " Ann Smith ", "+7 999 123-45-67")


def link(realm: Realm, purpose: str, event_type: str) -> str:
    return LINKS.token(purpose, UUID(realm.events(event_type)[-1]['data']['link_id']))


def active_user(realm: Realm, email: str = EMAIL, roles: tuple[str, ...] = ("customer",)) -> UUID:
    register(realm, email)
    user_id = realm.run(service.activate, link(realm, ACTIVATION, "user.registered"))
    realm.store.user(user_id)["roles"] = list(roles)
    return UUID(str(user_id))


def sign_in(realm: Realm, password: str = PASSWORD, code: str | None = None, email: str = EMAIL) -> Any:
    return realm.run(service.login, realm.throttle, email, password, code)


def test_registration_stores_a_pending_customer_and_announces_a_link_not_a_secret(realm: Realm) -> None:
    register(realm)
    [user] = realm.store.state["users"].values()
    assert (user["email"], user["full_name"], user["status"], user["roles"]) == (EMAIL, "Ann Smith", "pending",
                                                                                ["customer"])
    assert user["password_hash"] != PASSWORD and passwords.verify_password(user["password_hash"], PASSWORD)
    [event] = realm.events("user.registered")
    assert event["data"]["email"] == EMAIL and not event["data"]["resent"]
    assert PASSWORD not in str(realm.db.connection.outbox) and user["password_hash"] not in str(realm.events())
    token = link(realm, ACTIVATION, "user.registered")
    assert token not in str(realm.events()) and hash_token(token) in realm.store.state["one_time"]


def test_a_taken_email_changes_nothing_and_writes_the_same_one_event(realm: Realm) -> None:
    register(realm)
    register(realm)
    assert len(realm.store.state["users"]) == 1 and len(realm.events("user.registered")) == 1
    [absorbed] = realm.events("logs.app")
    assert EMAIL not in str(absorbed) and absorbed["data"]["request"] == "register"


def test_activation_works_once(realm: Realm) -> None:
    register(realm)
    token = link(realm, ACTIVATION, "user.registered")
    user_id = realm.run(service.activate, token)
    assert realm.store.user(user_id)["status"] == "active"
    assert realm.events("user.activated")[0]["data"]["user_id"] == str(user_id)
    with pytest.raises(errors.InvalidOneTimeToken):
        realm.run(service.activate, token)
    with pytest.raises(errors.InvalidOneTimeToken):
        realm.run(service.activate, "activation:unknown")


def test_a_resent_link_replaces_the_old_one_within_the_hourly_quota(realm: Realm) -> None:
    register(realm)
    first = link(realm, ACTIVATION, "user.registered")
    realm.run(service.resend_activation, LINKS, EMAIL)
    assert realm.events("user.registered")[-1]["data"]["resent"]
    with pytest.raises(errors.InvalidOneTimeToken):
        realm.run(service.activate, first)  # bug: invalidate() left out
    for _ in range(5):
        realm.run(service.resend_activation, LINKS, EMAIL)
    assert len(realm.events("user.registered")) == 5  # register + 4 resends fill the quota of 5 per hour
    assert realm.events("logs.app")[-1]["data"]["request"] == "activation_resend"
    realm.run(service.resend_activation, LINKS, "nobody@example.com")
    assert len(realm.events("user.registered")) == 5


def test_sign_in_answers_the_same_for_an_unknown_email_and_a_wrong_password(realm: Realm) -> None:
    active_user(realm)
    unknown = sign_in(realm, email="nobody@example.com")
    wrong = sign_in(realm, password="Wrong-horse-1")
    assert type(unknown) is type(wrong) is errors.InvalidCredentials
    pair = sign_in(realm)
    assert isinstance(pair, service.TokenPair) and claims(pair.access_token)["roles"] == ["customer"]
    assert pair.refresh_token not in str(realm.store.state["refresh"])  # only its hash is stored


def test_repeated_failures_lock_the_user_and_announce_it(realm: Realm) -> None:
    user_id = active_user(realm)
    results = [sign_in(realm, password="Wrong-horse-1") for _ in range(5)]
    assert all(isinstance(r, errors.InvalidCredentials) for r in results[:4])
    assert isinstance(results[4], errors.LoginLocked) and results[4].headers["Retry-After"] == "300"
    assert realm.store.user(user_id)["locked_until"] == realm.store.now() + timedelta(seconds=300)
    assert realm.events("user.locked")[0]["data"]["locked_for_seconds"] == 300
    with pytest.raises(errors.LoginLocked):
        sign_in(realm)  # the throttle's lock: the right password does not help


def test_a_lock_in_the_database_holds_until_it_passes(realm: Realm) -> None:
    user_id = active_user(realm)
    realm.store.user(user_id)["locked_until"] = realm.store.now() + timedelta(seconds=1)
    assert isinstance(sign_in(realm), errors.LoginLocked)
    realm.store.user(user_id)["locked_until"] = realm.store.now()
    assert isinstance(sign_in(realm), service.TokenPair)
    assert realm.store.user(user_id)["locked_until"] is None  # success clears it


@pytest.mark.parametrize(("status", "detail"), [("pending", "Activate"), ("disabled", "disabled")])
def test_only_active_users_sign_in(realm: Realm, status: str, detail: str) -> None:
    user_id = active_user(realm)
    realm.store.user(user_id)["status"] = status
    refused = sign_in(realm)
    assert isinstance(refused, errors.AccountNotActive) and detail in refused.detail


def test_an_outdated_password_hash_is_renewed_at_sign_in(realm: Realm, monkeypatch: pytest.MonkeyPatch) -> None:
    user_id = active_user(realm)
    old = realm.store.user(user_id)["password_hash"]
    monkeypatch.setattr(passwords, "needs_rehash", lambda stored: stored == old)
    sign_in(realm)
    assert realm.store.user(user_id)["password_hash"] != old


def test_mfa_is_on_only_after_a_confirmed_code_and_sign_in_then_needs_a_fresh_code(realm: Realm) -> None:
    user_id = active_user(realm)
    with pytest.raises(errors.MfaNotPending):
        realm.run(account_security.mfa_confirm, str(user_id), "123456")
    secret, _ = realm.run(account_security.mfa_setup, str(user_id), account_security.new_mfa_secret(str(user_id)))
    totp = pyotp.TOTP(secret)
    near = {totp.at(totp.timecode(service.datetime.now()) * 30 + drift) for drift in (-60, -30, 0, 30, 60)}
    with pytest.raises(service.MfaCodeRejected):
        wrong = next(f"{n:06d}" for n in range(10) if f"{n:06d}" not in near)
        realm.run(account_security.mfa_confirm, str(user_id), wrong)
    assert not realm.store.user(user_id)["mfa_enabled"]
    realm.run(account_security.mfa_confirm, str(user_id), pyotp.TOTP(secret).now())
    user = realm.store.user(user_id)
    assert user["mfa_enabled"] and mfa.open_secret(user["mfa_secret"], user_id) == secret
    with pytest.raises(errors.MfaAlreadyEnabled):
        realm.run(account_security.mfa_setup, str(user_id), account_security.new_mfa_secret(str(user_id)))
    with pytest.raises(errors.MfaAlreadyEnabled):
        realm.run(account_security.mfa_confirm, str(user_id), pyotp.TOTP(secret).now())
    assert isinstance(sign_in(realm), errors.MfaRequired)
    assert isinstance(sign_in(realm, code=pyotp.TOTP(secret).now()), errors.InvalidMfaCode)  # used to confirm


def test_turning_mfa_off_needs_an_unused_code(realm: Realm) -> None:
    user_id = active_user(realm)
    with pytest.raises(errors.MfaNotEnabled):
        realm.run(account_security.mfa_disable, str(user_id), "123456")
    secret, _ = realm.run(account_security.mfa_setup, str(user_id), account_security.new_mfa_secret(str(user_id)))
    realm.run(account_security.mfa_confirm, str(user_id), pyotp.TOTP(secret).now())
    with pytest.raises(service.MfaCodeRejected):  # the code that confirmed (or signed in) is spent
        realm.run(account_security.mfa_disable, str(user_id), pyotp.TOTP(secret).now())
    realm.store.user(user_id)["mfa_last_step"] -= 1  # as if that code was one step earlier
    realm.run(account_security.mfa_disable, str(user_id), pyotp.TOTP(secret).now())
    assert not realm.store.user(user_id)["mfa_enabled"] and realm.store.user(user_id)["mfa_secret"] is None


def test_profile_use_cases_need_an_existing_active_user(realm: Realm) -> None:
    user_id = active_user(realm)
    assert realm.run(service.profile, str(user_id))["email"] == EMAIL
    assert "password_hash" not in realm.run(service.user_by_id, user_id)
    for subject in ("not-a-uuid", str(uuid.uuid4())):
        with pytest.raises(errors.UserNotFound):
            realm.run(service.profile, subject)
        with pytest.raises(errors.UserNotFound):
            realm.run(account_security.mfa_setup, subject, account_security.new_mfa_secret(subject))
    with pytest.raises(errors.UserNotFound):
        realm.run(service.user_by_id, uuid.uuid4())
    realm.store.user(user_id)["status"] = "disabled"
    with pytest.raises(errors.AccountNotActive):
        realm.run(account_security.mfa_setup, str(user_id), account_security.new_mfa_secret(str(user_id)))


def test_users_are_found_by_phone_digits_only_when_active(realm: Realm) -> None:
    user_id = active_user(realm)
    assert [u["id"] for u in realm.run(service.active_users_by_phone, "8 (999) 123 45 67".replace("8", "7", 1))] \
        == [user_id]
    assert realm.run(service.active_users_by_phone, "12345") == []  # too short to mean anyone
    realm.store.user(user_id)["status"] = "disabled"
    assert realm.run(service.active_users_by_phone, "+79991234567") == []


def test_a_password_reset_link_works_once_and_ends_every_session(realm: Realm) -> None:
    active_user(realm)
    first, second = sign_in(realm), sign_in(realm)
    realm.run(service.forgot_password, LINKS, EMAIL)
    token = link(realm, PASSWORD_RESET, "user.password_reset_requested")
    realm.run(service.reset_password, token, "New-password-42")
    families = sorted({str(row["family_id"]) for row in realm.store.state["refresh"].values()})
    assert realm.revoked == [families]  # bug: sessions left alive
    for pair in (first, second):
        assert isinstance(realm.run(service.refresh, pair.refresh_token), errors.InvalidRefreshToken)
    assert isinstance(sign_in(realm), errors.InvalidCredentials)
    assert isinstance(sign_in(realm, password="New-password-42"), service.TokenPair)
    changed = realm.events("user.password_changed")[0]["data"]
    assert changed["how"] == "reset_link" and "New-password-42" not in str(realm.events())
    with pytest.raises(errors.InvalidOneTimeToken):
        realm.run(service.reset_password, token, "Another-pass-43")


def test_a_reset_is_not_mailed_to_a_disabled_or_unknown_user_nor_past_the_quota(realm: Realm) -> None:
    user_id = active_user(realm)
    realm.run(service.forgot_password, LINKS, "nobody@example.com")
    realm.store.user(user_id)["status"] = "disabled"
    realm.run(service.forgot_password, LINKS, EMAIL)
    assert realm.events("user.password_reset_requested") == [] and len(realm.events("logs.app")) == 2
    realm.store.user(user_id)["status"] = "active"
    for _ in range(6):
        realm.run(service.forgot_password, LINKS, EMAIL)
    assert len(realm.events("user.password_reset_requested")) == 3  # 5 per hour, 2 spent above


def test_a_reset_fails_whole_when_sessions_cannot_be_ended(realm: Realm) -> None:
    active_user(realm)
    pair = sign_in(realm)
    realm.run(service.forgot_password, LINKS, EMAIL)
    realm.redis_down = True
    with pytest.raises(DependencyUnavailable):
        realm.run(service.reset_password, link(realm, PASSWORD_RESET, "user.password_reset_requested"),
                  "New-password-42")
    realm.redis_down = False
    assert isinstance(sign_in(realm), service.TokenPair)  # the old password still works: nothing committed
    assert isinstance(realm.run(service.refresh, pair.refresh_token), service.TokenPair)


def test_refresh_rotates_and_a_replayed_token_revokes_the_family(realm: Realm) -> None:
    active_user(realm)
    pair = sign_in(realm)
    family = claims(pair.access_token)["sid"]
    rotated = realm.run(service.refresh, pair.refresh_token)
    assert claims(rotated.access_token)["sid"] == family
    start = realm.store.now()
    realm.store.now = lambda: start + timedelta(minutes=5)  # past the grace window (docs/security.md)
    assert isinstance(realm.run(service.refresh, pair.refresh_token), errors.RefreshTokenReused)
    assert realm.revoked == [[family]]
    assert isinstance(realm.run(service.refresh, rotated.refresh_token), errors.InvalidRefreshToken)


def test_the_just_rotated_token_is_honoured_once_within_the_grace_window(realm: Realm) -> None:
    active_user(realm)
    pair = sign_in(realm)
    family = claims(pair.access_token)["sid"]
    first = realm.run(service.refresh, pair.refresh_token)
    racing = realm.run(service.refresh, pair.refresh_token)  # a reload racing the first refresh
    assert claims(racing.access_token)["sid"] == family and racing.refresh_token != first.refresh_token
    assert realm.revoked == []
    assert isinstance(realm.run(service.refresh, pair.refresh_token), errors.RefreshTokenReused)  # not twice
    assert realm.revoked == [[family]]


def test_an_older_token_is_reuse_even_within_the_grace_window(realm: Realm) -> None:
    active_user(realm)
    pair = sign_in(realm)
    successor = realm.run(service.refresh, pair.refresh_token)
    realm.run(service.refresh, successor.refresh_token)
    assert isinstance(realm.run(service.refresh, pair.refresh_token), errors.RefreshTokenReused)


def test_a_reused_token_revokes_even_when_redis_is_down(realm: Realm) -> None:
    active_user(realm)
    pair = sign_in(realm)
    realm.run(service.refresh, pair.refresh_token)
    realm.run(service.refresh, pair.refresh_token)  # honoured once within the grace window
    realm.redis_down = True
    assert isinstance(realm.run(service.refresh, pair.refresh_token), errors.RefreshTokenReused)
    assert all(row["revoked_at"] for row in realm.store.state["refresh"].values())


def test_refresh_refuses_expired_unknown_and_disabled_users_tokens(realm: Realm) -> None:
    user_id = active_user(realm)
    pair = sign_in(realm)
    assert isinstance(realm.run(service.refresh, "unknown"), errors.InvalidRefreshToken)
    realm.store.user(user_id)["status"] = "disabled"
    assert isinstance(realm.run(service.refresh, pair.refresh_token), errors.InvalidRefreshToken)
    assert realm.revoked == [[claims(pair.access_token)["sid"]]]
    realm.store.user(user_id)["status"] = "active"
    later = sign_in(realm)
    realm.store.now = lambda: service.datetime(2027, 2, 1, tzinfo=service.UTC)  # past the 30 days
    assert isinstance(realm.run(service.refresh, later.refresh_token), errors.InvalidRefreshToken)


def test_logout_revokes_the_family_and_fails_whole_without_redis(realm: Realm) -> None:
    active_user(realm)
    pair = sign_in(realm)
    realm.redis_down = True
    with pytest.raises(DependencyUnavailable):
        realm.run(service.logout, pair.refresh_token)
    realm.redis_down = False
    realm.run(service.logout, pair.refresh_token)
    realm.run(service.logout, "unknown")  # idempotent, silent
    assert realm.revoked == [[claims(pair.access_token)["sid"]]]
    assert isinstance(realm.run(service.refresh, pair.refresh_token), errors.InvalidRefreshToken)


def test_roles_are_a_subset_and_an_admin_keeps_their_own(realm: Realm) -> None:
    admin = active_user(realm, roles=("admin",))
    other = active_user(realm, "bob@example.com")
    for wanted in ([], ["root"]):
        with pytest.raises(BadRequest):
            realm.run(administration.set_roles, str(admin), other, wanted)
    with pytest.raises(errors.UserNotFound):
        realm.run(administration.set_roles, str(admin), uuid.uuid4(), ["employee"])
    with pytest.raises(administration.CannotDropOwnAdmin):
        realm.run(administration.set_roles, str(admin), admin, ["employee"])
    assert realm.run(administration.set_roles, str(admin), other, ["employee", "employee"])["roles"] == ["employee"]
    assert realm.store.user(other)["roles"] == ["employee"]
    both = ["admin", "employee"]
    assert realm.run(administration.set_roles, str(admin), admin, both)["roles"] == both


def test_staff_accounts_are_active_with_valid_roles_and_a_unique_email(realm: Realm) -> None:
    with pytest.raises(BadRequest):
        realm.run(administration.create_staff_user, "clerk@bank.example", PASSWORD, "Clerk", None, ["root"])
    created = realm.run(administration.create_staff_user, " Clerk@Bank.example", PASSWORD, "Clerk ", None, ["employee"])
    assert (created["email"], created["status"], created["roles"]) == ("clerk@bank.example", "active", ["employee"])
    with pytest.raises(errors.EmailTaken):
        realm.run(administration.create_staff_user, "clerk@bank.example", PASSWORD, "Clerk", None, ["employee"])


def test_a_customer_created_in_the_office_gets_a_welcome_link_and_no_known_password(realm: Realm) -> None:
    created = realm.run(administration.create_customer, LINKS, "Carol@example.com", "Carol", "+79990000000")
    assert created["status"] == "active" and created["roles"] == ["customer"]
    mail = realm.events("user.password_reset_requested")[0]["data"]
    assert mail["welcome"] and mail["expires_in"] == 7 * 24 * 3600
    assert realm.events("user.activated")[0]["data"]["email"] == "carol@example.com"
    with pytest.raises(errors.EmailTaken):
        realm.run(administration.create_customer, LINKS, "carol@example.com", "Carol", None)


def test_user_search_pages_newest_first_by_kind(realm: Realm) -> None:
    for n in range(3):
        active_user(realm, f"c{n}@example.com")
    active_user(realm, "staff@example.com", roles=("employee",))
    page, after = realm.run(administration.search_users, "customer", None, None, 2)
    assert [u["email"] for u in page] == ["c2@example.com", "c1@example.com"] and after is not None
    rest, end = realm.run(administration.search_users, "customer", None, after, 2)
    assert [u["email"] for u in rest] == ["c0@example.com"] and end is None
    assert [u["email"] for u in realm.run(administration.search_users, "staff", " STAFF ", None, 5)[0]] \
        == ["staff@example.com"]


def test_the_client_credentials_grant(realm: Realm) -> None:
    realm.store.state["clients"]["payments"] = {"client_id": "payments", "roles": ["service"], "enabled": True,
                                                "secret_hash": passwords.hash_password("s3cret-value-1")}
    grant = realm.run(service.client_credentials, "payments", "s3cret-value-1")  # signed when read, after it
    token, expires_in = grant.access_token, grant.expires_in
    assert claims(token)["client_id"] == "payments" and claims(token)["roles"] == ["service"] and expires_in == 300
    for client_id, secret in (("payments", "wrong"), ("nobody", "s3cret-value-1")):
        with pytest.raises(errors.InvalidClient):
            realm.run(service.client_credentials, client_id, secret)
    realm.store.state["clients"]["payments"]["enabled"] = False
    with pytest.raises(errors.InvalidClient):
        realm.run(service.client_credentials, "payments", "s3cret-value-1")


def test_the_mail_quota_windows_are_pruned_after_a_day(realm: Realm) -> None:
    register(realm)
    start = realm.store.now()
    realm.store.now = lambda: start + timedelta(days=1, hours=1)
    assert realm.run(service.prune_link_mail_quota) == 1 and realm.run(service.prune_link_mail_quota) == 0
