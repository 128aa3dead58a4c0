"""The KMS keys in template.yaml: each key of the right kind, used only by the function that needs it (key
policy and IAM policy agree), the functions reading the key ids from the template's own aliases, and the
local stack naming the same aliases for the `local` stage."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from local_gateway.cfn_yaml import load_template_file

REPO = Path(__file__).resolve().parents[3]
RESOURCES: dict[str, Any] = load_template_file(REPO / "template.yaml")["Resources"]
KEYS = {  # key → (alias resource, KeySpec, KeyUsage, function, actions)
    "JwtSigningKey": ("JwtSigningKeyAlias", "RSA_2048", "SIGN_VERIFY", "AuthFunction",
                      {"kms:Sign", "kms:GetPublicKey"}),
    "CardTokenKey": ("CardTokenKeyAlias", "HMAC_256", "GENERATE_VERIFY_MAC", "AccountsFunction", {"kms:GenerateMac"}),
    "DataKey": ("DataKeyAlias", "SYMMETRIC_DEFAULT", "ENCRYPT_DECRYPT", "AuthFunction",
                {"kms:GenerateDataKey", "kms:Decrypt"}),
}
ENV = {"AuthFunction": {"JWT_SIGNING_KEY_ID": "JwtSigningKeyAlias", "DATA_KEY_ID": "DataKeyAlias"},
       "AccountsFunction": {"CARD_TOKEN_KEY_ID": "CardTokenKeyAlias"}}


def _listed(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def _alias_name(alias_resource: str, stage: str) -> str:
    template = RESOURCES[alias_resource]["Properties"]["AliasName"]["Fn::Sub"]
    return str(template.replace("${Stage}", stage))


def kms_grants(function: str, stage: str = "prod") -> dict[str, set[str]]:
    """action → the aliases a function's IAM policies allow it on."""
    grants: dict[str, set[str]] = {}
    for policy in RESOURCES[function]["Properties"].get("Policies", []):
        for statement in policy.get("Statement", []) if isinstance(policy, dict) else []:
            actions = [a for a in _listed(statement["Action"]) if str(a).startswith("kms:")]
            if not actions:
                continue
            assert statement["Effect"] == "Allow"
            aliases = statement["Condition"]["ForAnyValue:StringEquals"]["kms:ResourceAliases"]
            names = {a["Fn::Sub"].replace("${Stage}", stage) for a in _listed(aliases)}
            for action in actions:
                grants.setdefault(action, set()).update(names)
    return grants


@pytest.mark.parametrize("key", sorted(KEYS))
def test_each_key_is_of_its_kind_retained_and_named_by_its_alias(key: str) -> None:
    alias, spec, usage, _function, _actions = KEYS[key]
    resource = RESOURCES[key]
    assert resource["Type"] == "AWS::KMS::Key"
    assert resource["DeletionPolicy"] == resource["UpdateReplacePolicy"] == "Retain"
    assert (resource["Properties"]["KeySpec"], resource["Properties"]["KeyUsage"]) == (spec, usage)
    assert RESOURCES[alias]["Type"] == "AWS::KMS::Alias"
    assert RESOURCES[alias]["Properties"]["TargetKeyId"] == {"Ref": key}
    assert re.fullmatch(r"alias/bank-\$\{Stage\}-[a-z-]+", RESOURCES[alias]["Properties"]["AliasName"]["Fn::Sub"])


def test_only_the_data_key_rotates_automatically() -> None:
    assert RESOURCES["DataKey"]["Properties"]["EnableKeyRotation"] is True
    assert "EnableKeyRotation" not in RESOURCES["JwtSigningKey"]["Properties"]  # rotate_keys rotates it
    assert "EnableKeyRotation" not in RESOURCES["CardTokenKey"]["Properties"]  # must never change


@pytest.mark.parametrize("key", sorted(KEYS))
def test_key_policy_names_the_account_and_only_the_function_that_uses_the_key(key: str) -> None:
    _alias, _spec, _usage, function, actions = KEYS[key]
    statements = RESOURCES[key]["Properties"]["KeyPolicy"]["Statement"]
    admin, *users = statements
    assert admin["Principal"]["AWS"]["Fn::Sub"] == "arn:${AWS::Partition}:iam::${AWS::AccountId}:root"
    assert [u["Principal"]["AWS"] for u in users] == [{"Fn::GetAtt": [f"{function}Role", "Arn"]}]
    assert set(_listed(users[0]["Action"])) == actions


def test_iam_policies_grant_each_function_exactly_its_keys() -> None:
    expected: dict[str, dict[str, set[str]]] = {}
    for alias, _spec, _usage, function, actions in KEYS.values():
        names = {_alias_name(alias, "prod")}
        if alias == "JwtSigningKeyAlias":  # rotation: the previous and the next key verify or sign too
            names |= {f"alias/bank-prod-jwt-signing-{slot}" for slot in ("previous", "next")}
        for action in actions:
            expected.setdefault(function, {})[action] = names
    functions = [name for name, r in RESOURCES.items() if r["Type"] == "AWS::Serverless::Function"]
    for function in functions:
        assert kms_grants(function) == expected.get(function, {}), function


def test_functions_read_the_key_ids_from_the_template_aliases() -> None:
    from accounts_service.settings import AccountsSettings
    from auth_service.settings import AuthSettings

    fields = set(AuthSettings.model_fields) | set(AccountsSettings.model_fields)
    for function, variables in ENV.items():
        env = RESOURCES[function]["Properties"]["Environment"]["Variables"]
        for name, alias in variables.items():
            assert env[name] == {"Ref": alias}
            assert name.lower() in fields
    assert "JWT_KEYS_SECRET_ID" not in RESOURCES["AuthFunction"]["Properties"]["Environment"]["Variables"]


def test_the_local_stack_creates_the_aliases_of_the_local_stage() -> None:
    from stackctl_config import SERVICE_KMS_ENV

    for function, variables in ENV.items():
        service = function.removesuffix("Function").lower()
        for name, alias in variables.items():
            assert SERVICE_KMS_ENV[service][name] == _alias_name(alias, "local")
