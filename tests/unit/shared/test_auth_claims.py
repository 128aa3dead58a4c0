import uuid

import pytest

from bank_shared.auth import Principal, customer_acted_for, customer_id, parse_claim_list, principal_from_claims
from bank_shared.errors import Forbidden, Unauthorized, Unprocessable


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("[customer employee]", {"customer", "employee"}), (["admin"], {"admin"}), ("customer", {"customer"}),
     ('["a", "b"]', {"a", "b"}), (None, set()), ("[]", set())],
)
def test_claim_lists_in_every_shape_the_gateway_sends(raw: object, expected: set[str]) -> None:
    assert parse_claim_list(raw) == expected


def test_principal_requires_a_subject() -> None:
    with pytest.raises(Unauthorized):
        principal_from_claims({"roles": "[admin]"})


def test_staff_and_service_flags() -> None:
    assert principal_from_claims({"sub": "x", "roles": "[employee]"}).is_staff
    assert principal_from_claims({"sub": "x", "roles": "[service]"}).is_service
    assert not principal_from_claims({"sub": "x", "roles": "[customer]"}).is_staff


def _principal(subject: str, role: str) -> Principal:
    return Principal(subject, frozenset({role}), frozenset(), {})


def test_a_service_names_the_customer_and_a_customer_acts_only_for_themselves() -> None:
    alice, bob = uuid.uuid4(), uuid.uuid4()
    service = _principal("customer", "service")
    assert customer_acted_for(service, bob, field="owner_id", refusal="x") == bob
    with pytest.raises(Unprocessable, match="owner_id"):
        customer_acted_for(service, None, field="owner_id", refusal="x")
    customer = _principal(str(alice), "customer")
    assert customer_acted_for(customer, None, field="owner_id", refusal="x") == alice
    assert customer_acted_for(customer, alice, field="owner_id", refusal="x") == alice
    with pytest.raises(Forbidden, match="only for themselves"):
        customer_acted_for(customer, bob, field="owner_id", refusal="x")
    with pytest.raises(Forbidden, match="Only customers pay"):
        customer_id(_principal("not-a-user", "employee"), "Only customers pay")


def test_where_staff_name_the_customer_an_employee_must_name_one_and_a_customer_still_acts_for_themselves() -> None:
    alice, bob = uuid.uuid4(), uuid.uuid4()
    employee = Principal("e-1", frozenset({"employee"}), frozenset(), {})
    assert customer_acted_for(employee, bob, field="owner_id", refusal="x", named_by="staff") == bob
    with pytest.raises(Unprocessable, match=r"Staff must name the customer \(owner_id\)"):
        customer_acted_for(employee, None, field="owner_id", refusal="x", named_by="staff")
    customer = _principal(str(alice), "customer")
    assert customer_acted_for(customer, None, field="owner_id", refusal="x", named_by="staff") == alice
    with pytest.raises(Forbidden, match="only for themselves"):
        customer_acted_for(customer, bob, field="owner_id", refusal="x", named_by="staff")
    with pytest.raises(Forbidden, match="Only customers and staff"):  # a service is neither here
        customer_acted_for(_principal("accounts", "service"), None, field="owner_id", named_by="staff",
                           refusal="Only customers and staff")
