"""Employee administration and the audit log viewer end to end through the gateway (issue 15 item 4): an admin
changes an employee's roles (their session ends at once; audited with the reason), cannot remove their own
admin role nor deactivate themselves, deactivates an employee (sign-in refused, the open token refused) and
reactivates them; the audit log filtered by target, action and period, and its CSV export holding exactly
those rows; an employee gets 403 on all of it; the hash chain still verifies."""

from __future__ import annotations

import csv
import io
import uuid
from datetime import UTC, datetime, timedelta

import httpx

from tests.e2e.test_auth_flow import PASSWORD, assert_problem
from tests.e2e.test_office import admin, ok  # noqa: F401 - module fixture reused
from tests.support.stack import bearer, login, mint_token, run_function_module

REASON = {"reason": "проверка прав доступа"}


def new_staff(http: httpx.Client, admin: dict[str, str], roles: list[str]) -> dict[str, str]:  # noqa: F811
    email = f"staff-{uuid.uuid4().hex[:12]}@example.com"
    created = ok(http.post("/api/office/employees", headers=admin, json={
        "email": email, "password": PASSWORD, "full_name": f"Сотрудник {email[6:12]}", "roles": roles}), 201)
    return {"id": created["id"], "email": email}


def test_admin_manages_an_employee_and_exports_the_audit(http: httpx.Client, admin: dict[str, str]) -> None:  # noqa: F811
    boss = new_staff(http, admin, ["admin"])
    clerk = new_staff(http, admin, ["employee"])
    as_boss = bearer(mint_token(boss["id"], ("admin",)))
    as_clerk = login(http, clerk["email"], PASSWORD)
    path = f"/api/office/employees/{clerk['id']}"

    for method, url, body in (("GET", "/api/office/employees", None), ("GET", "/api/office/audit", None),
                              ("GET", "/api/office/audit/export", None),
                              ("POST", f"{path}/roles", {"roles": ["admin"], **REASON}),
                              ("POST", f"{path}/deactivate", REASON), ("POST", f"{path}/reactivate", REASON)):
        assert_problem(http.request(method, url, headers=as_clerk, json=body), 403, "forbidden")

    changed = ok(http.post(f"{path}/roles", headers=as_boss, json={"roles": ["employee", "admin"], **REASON}))
    assert changed["roles"] == ["admin", "employee"]
    assert_problem(http.get("/api/auth/me", headers=as_clerk), 401, "session_revoked")
    assert_problem(http.post(f"/api/office/employees/{boss['id']}/roles", headers=as_boss,
                             json={"roles": ["employee"], **REASON}), 409, "cannot_remove_own_admin_role")
    assert_problem(http.post(f"/api/office/employees/{boss['id']}/deactivate", headers=as_boss, json=REASON), 409,
                   "cannot_deactivate_self")

    as_clerk = login(http, clerk["email"], PASSWORD)
    assert ok(http.post(f"{path}/deactivate", headers=as_boss, json=REASON))["status"] == "disabled"
    assert_problem(http.get("/api/auth/me", headers=as_clerk), 401, "session_revoked")
    assert_problem(http.post("/api/auth/login", json={"email": clerk["email"], "password": PASSWORD}), 403,
                   "account_not_active")
    listed = ok(http.get("/api/office/employees", headers=as_boss, params={"query": clerk["email"],
                                                                            "status": "disabled"}))
    assert [item["id"] for item in listed["items"]] == [clerk["id"]]
    assert ok(http.post(f"{path}/reactivate", headers=as_boss, json={"reason": "вернулся"}))["status"] == "active"
    assert ok(http.get("/api/office/employees", headers=as_boss, params={"query": clerk["email"],
                                                                          "status": "disabled"}))["items"] == []

    today = datetime.now(UTC).date()
    filters = {"target_id": clerk["id"], "action": "employee", "date_from": str(today - timedelta(days=1)),
               "date_to": str(today + timedelta(days=1))}
    entries = ok(http.get("/api/office/audit", headers=as_boss, params=filters))["items"]
    assert [e["action"] for e in entries] == ["employee.reactivate", "employee.deactivate", "employee.roles",
                                              "employee.create"]  # the demo admin created them
    assert entries[2]["details"] == {"reason": REASON["reason"], "roles": ["admin", "employee"]}
    assert {e["actor_id"] for e in entries[:3]} == {boss["id"]} and {e["outcome"] for e in entries} == {"succeeded"}
    assert_problem(http.get("/api/office/audit", headers=as_boss, params={"date_from": str(today),
                                                                           "date_to": str(today - timedelta(days=1))}),
                   422, "invalid_audit_period")

    exported = http.get("/api/office/audit/export", headers=as_boss, params=filters)
    assert exported.status_code == 200, exported.text
    assert exported.headers["content-type"].startswith("text/csv") and exported.content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(exported.content.decode("utf-8-sig")), delimiter=";"))
    assert [(r["action"], r["target_id"]) for r in rows] == [(e["action"], clerk["id"]) for e in entries]
    assert "проверка прав доступа" in rows[2]["details"]

    verified = run_function_module("office", "office_service.verify_audit")
    assert verified.returncode == 0, verified.stdout + verified.stderr
