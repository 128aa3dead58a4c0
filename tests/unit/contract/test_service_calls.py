"""Each service declares the services it calls once (`CALLS`), and its code calls exactly those: the
template grants `lambda:InvokeFunction` from the declarations, so an undeclared call would be refused in AWS
and a stale declaration would be a permission nobody needs."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from bank_shared.tools import calls
from tests.support.services import SERVICES

EXPECTED = {
    "customer": ["accounts", "auth", "fx", "ledger", "notifications", "utilities"],
    "office": ["accounts", "auth", "ledger"],
    "accounts": ["fx", "ledger", "utilities"],  # fx: card purchases convert at the reference rate; utilities: autopay
    "fx": ["accounts", "ledger"],
    "utilities": ["accounts", "ledger"],
    "notifications": ["accounts", "auth"],
    "contracts": ["auth"],
}


@pytest.mark.parametrize("service", SERVICES)
def test_every_service_client_target_is_declared_and_every_declaration_used(service: str) -> None:
    sites = calls.client_sites(service)
    dynamic = [f"{site.path.name}:{site.line}" for site in sites if site.target == calls.DYNAMIC]
    assert not dynamic, f"{service}: ServiceClient targets must be string literals ({dynamic})"
    declared = set(calls.declared_calls(service))
    assert {site.target for site in sites} == declared
    assert declared <= set(SERVICES) - {service}


def test_the_map_the_template_is_built_from() -> None:
    assert calls.calls_map() == {service: EXPECTED.get(service, []) for service in SERVICES}


def test_the_map_as_a_command() -> None:
    printed = subprocess.run([sys.executable, "-m", "bank_shared.tools.calls"], capture_output=True, text=True,
                             check=True).stdout
    assert json.loads(printed) == calls.calls_map()
