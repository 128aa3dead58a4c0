import pytest

from bank_shared.auth import parse_claim_list, principal_from_claims
from bank_shared.errors import Unauthorized


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
