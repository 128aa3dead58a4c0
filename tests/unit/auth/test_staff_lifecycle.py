"""Employee administration in auth (issue 15 item 4): deactivate / reactivate (the customer block's machinery:
sign-in refused, every session revoked strictly), never oneself; staff roles only, an admin keeps their own,
a change ends the employee's sessions; the staff list by role and status."""

from __future__ import annotations

import uuid

import pytest
from auth_fakes import Realm, claims
from test_account_lifecycle import active_user, sign_in

from auth_service import administration, errors, lifecycle, service
from bank_shared.errors import BadRequest, DependencyUnavailable

CLERK = "clerk@example.com"


def staff(realm: Realm) -> tuple[uuid.UUID, uuid.UUID]:
    return active_user(realm, "boss@example.com", roles=("admin",)), active_user(realm, CLERK, roles=("employee",))


def test_a_deactivated_employee_cannot_sign_in_and_loses_every_session(realm: Realm) -> None:
    boss, clerk = staff(realm)
    pair = sign_in(realm, email=CLERK)
    assert realm.run(lifecycle.set_employee_active, boss, clerk, False)["status"] == "disabled"
    assert realm.revoked == [[claims(pair.access_token)["sid"]]]
    assert isinstance(sign_in(realm, email=CLERK), errors.AccountNotActive)
    assert isinstance(realm.run(service.refresh, pair.refresh_token), errors.InvalidRefreshToken)
    assert realm.run(lifecycle.set_employee_active, boss, clerk, True)["status"] == "active"
    assert not isinstance(sign_in(realm, email=CLERK), errors.AccountNotActive)


def test_deactivation_fails_whole_without_redis(realm: Realm) -> None:
    boss, clerk = staff(realm)
    sign_in(realm, email=CLERK)
    realm.redis_down = True
    with pytest.raises(DependencyUnavailable):
        realm.run(lifecycle.set_employee_active, boss, clerk, False)
    assert realm.store.user(clerk)["status"] == "active"


def test_nobody_deactivates_themselves_and_customers_are_not_employees(realm: Realm) -> None:
    boss, _ = staff(realm)
    customer = active_user(realm, "carol@example.com")
    with pytest.raises(lifecycle.CannotDeactivateSelf):
        realm.run(lifecycle.set_employee_active, boss, boss, False)
    for target in (customer, uuid.uuid4()):
        with pytest.raises(errors.UserNotFound):
            realm.run(lifecycle.set_employee_active, boss, target, False)
        with pytest.raises(errors.UserNotFound):
            realm.run(lifecycle.set_employee_roles, boss, target, ["employee"])
    with pytest.raises(errors.UserNotFound):  # and employees are not customers
        realm.run(lifecycle.set_customer_blocked, boss, True)
    assert realm.store.user(customer)["status"] == "active"


def test_a_role_change_ends_the_employees_sessions_and_an_admin_keeps_their_own(realm: Realm) -> None:
    boss, clerk = staff(realm)
    pair = sign_in(realm, email=CLERK)
    changed = realm.run(lifecycle.set_employee_roles, boss, clerk, ["admin", "employee"])
    assert changed["roles"] == ["admin", "employee"] and realm.revoked == [[claims(pair.access_token)["sid"]]]
    realm.run(lifecycle.set_employee_roles, boss, clerk, ["admin", "employee"])  # no change: no revocation
    assert len(realm.revoked) == 1
    with pytest.raises(administration.CannotDropOwnAdmin):
        realm.run(lifecycle.set_employee_roles, boss, boss, ["employee"])
    for wanted in ([], ["customer"]):
        with pytest.raises(BadRequest):
            realm.run(lifecycle.set_employee_roles, boss, clerk, wanted)
    assert realm.store.user(boss)["roles"] == ["admin"]


def test_the_staff_list_by_role_and_status(realm: Realm) -> None:
    boss, clerk = staff(realm)
    active_user(realm, "carol@example.com")
    realm.run(lifecycle.set_employee_active, boss, clerk, False)

    def emails(**narrow: str) -> list[str]:
        return [u["email"] for u in realm.run(administration.search_users, "staff", None, None, 10, **narrow)[0]]

    assert emails() == [CLERK, "boss@example.com"]
    assert emails(role="admin") == ["boss@example.com"]
    assert emails(status="disabled") == [CLERK]
    assert emails(role="customer") == []
