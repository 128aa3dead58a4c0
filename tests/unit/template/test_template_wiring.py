"""For the deployed stages, every setting each function reads comes from the template (a parameter set for
the stage, a resource it creates, a secret it generates), never from a local default.

Each service's Settings class is walked field by field: a field must be classified below, so a new
setting fails this test until someone decides where production gets it from.
"""

from __future__ import annotations

import importlib
import json
from dataclasses import dataclass
from pathlib import Path

import pytest
from pydantic.fields import FieldInfo

from bank_shared.settings import ServiceSettings
from tests.support import cfn
from tests.support.cfn import Origin, Resolver, Unset
from tests.support.services import SERVICES

DEPLOYED_STAGES = ("dev", "prod")
LOCAL_MARKERS = ("127.0.0.1", "localhost", "bank.local", "://local", "/local/", "local-")


@dataclass(frozen=True)
class Wired:
    """Set in the function's environment from these kinds of sources (resource types or parameter names)."""

    resource_types: tuple[str, ...] = ()
    parameters: tuple[str, ...] = ()
    used_by: tuple[str, ...] = SERVICES


@dataclass(frozen=True)
class Literal:
    value: str


@dataclass(frozen=True)
class Knob:
    """A tuning value with a safe default that is the same in every environment."""


@dataclass(frozen=True)
class Runtime:
    """Provided by the Lambda runtime itself."""


@dataclass(frozen=True)
class Absent:
    """Must not be set in AWS (a local-only way of doing the same thing)."""


@dataclass(frozen=True)
class Gap:
    """Not wired yet: owned by another part of issue 9. Once the field meets `when_wired` the test fails so
    the entry is replaced by that rule; once the field is gone the stale entry fails the test too."""

    owner: str
    when_wired: object = None


SECRET = "AWS::SecretsManager::Secret"
SETTINGS: dict[str, object] = {
    # bank_shared.settings.ServiceSettings
    "service_name": Literal("<service>"),
    "app_env": Wired(parameters=("Stage",)),
    "database_url": Absent(),
    "db_secret_id": Wired(resource_types=(SECRET,)),
    "redis_url": Wired(resource_types=("AWS::ElastiCache::ServerlessCache",)),
    "kafka_bootstrap_servers": Wired(resource_types=("Custom::KafkaBootstrap",)),
    "kafka_security": Literal("msk_iam"),
    "services_acting_for_staff": Literal("office"),
    "aws_region": Runtime(),
    "aws_endpoint_url": Absent(),
    "jwt_issuer": Wired(parameters=("JwtIssuer",)),
    "jwt_audience": Wired(parameters=("JwtAudience",)),
    # Service calls are direct Lambda invokes of `bank-<stage>-<service>` (docs/service-to-service.md).
    "service_function_prefix": Wired(parameters=("Stage",)),
    "lambda_endpoint_url": Absent(),
    "http_timeout_seconds": Knob(),
    "kafka_flush_timeout_seconds": Knob(),
    "one_time_link_key_secret_id": Wired(resource_types=(SECRET,), used_by=("auth", "notifications")),
    # auth
    "jwt_signing_key_id": Wired(resource_types=("AWS::KMS::Alias",), used_by=("auth",)),
    "data_key_id": Wired(resource_types=("AWS::KMS::Alias",), used_by=("auth",)),
    "signing_keys_cache_seconds": Knob(),
    "access_token_ttl_seconds": Knob(),
    "service_token_ttl_seconds": Knob(),
    "refresh_token_ttl_seconds": Knob(),
    "refresh_reuse_grace_seconds": Knob(),
    "activation_token_ttl_seconds": Knob(),
    "password_reset_token_ttl_seconds": Knob(),
    "welcome_link_ttl_seconds": Knob(),
    "login_max_failures": Knob(),
    "login_failure_window_seconds": Knob(),
    "login_lockout_seconds": Knob(),
    "login_lockout_max_seconds": Knob(),
    "mfa_issuer_name": Knob(),
    "link_mails_per_address_per_hour": Knob(),
    "recipient_lookup_limit": Knob(),
    "statement_prefix": Knob(),
    "statement_url_ttl_seconds": Knob(),
    "statement_max_days": Knob(),
    "mails_per_recipient_per_hour": Knob(),
    "mail_max_event_age_hours": Knob(),
    # web push (notifications_service/push.py)
    "vapid_key_secret_id": Wired(resource_types=(SECRET,), used_by=("notifications",)),
    "push_endpoint_origins": Knob(),
    "push_standin_origin": Absent(),  # the local push stand-in's origin: never a push service in AWS
    "push_timeout_seconds": Knob(),
    "push_ttl_seconds": Knob(),
    "max_push_subscriptions_per_user": Knob(),
    # the delivery queue (notifications_service/deliveries.py)
    "delivery_retry_after_seconds": Knob(),
    "delivery_sweep_limit": Knob(),
    "account_agreement_templates": Knob(),
    "default_account_agreement": Knob(),
    "office_approval_threshold": Knob(),
    "office_topup_max": Knob(),
    "office_daily_topup_limit": Knob(),
    "office_approval_ttl_seconds": Knob(),
    "office_approval_retry_after_seconds": Knob(),
    "office_audit_max_days": Knob(),
    "office_audit_export_max_rows": Knob(),
    # customer
    "dashboard_part_timeout_seconds": Knob(),
    "dashboard_deadline_seconds": Knob(),
    "dashboard_recent_transactions": Knob(),
    "customer_dependency_timeout_seconds": Knob(),
    # office
    "office_dependency_timeout_seconds": Knob(),
    # accounts: the bank's own identifiers are the same in every environment
    "bank_bic": Knob(),
    "branch_code": Knob(),
    "card_bin": Knob(),
    "card_token_key_id": Wired(resource_types=("AWS::KMS::Alias",), used_by=("accounts",)),
    "ledger_timeout_seconds": Knob(),
    "card_network_key_secret_id": Wired(resource_types=(SECRET,), used_by=("accounts",)),
    "card_authorization_ttl_seconds": Knob(),
    "card_fx_markup_bps": Knob(),
    "card_holding_grace_seconds": Knob(),
    "card_sweep_batch": Knob(),
    "payments_timeout_seconds": Knob(),
    "standing_order_batch": Knob(),
    "standing_order_retry_days": Knob(),
    "acquirer_url": Wired(parameters=("AcquirerUrl",), used_by=("accounts",)),
    "acquirer_secret_id": Wired(resource_types=(SECRET,), used_by=("accounts",)),
    "acquirer_timeout_seconds": Knob(),
    "card_topup_min_minor": Knob(),
    "card_topup_max_minor": Knob(),
    "card_topup_currencies": Knob(),
    "card_topup_reconcile_after_seconds": Knob(),
    "card_topup_sweep_batch": Knob(),
    # ledger
    "hold_default_ttl_seconds": Knob(),
    "hold_max_ttl_seconds": Knob(),
    "hold_expiry_batch": Knob(),
    # fx: the SSM parameters win; the plain settings are fallbacks only
    "frankfurter_url": Wired(parameters=("FrankfurterUrl",), used_by=("fx",)),
    "frankfurter_connect_timeout_seconds": Knob(),
    "frankfurter_timeout_seconds": Knob(),
    "fx_spread_parameter": Wired(resource_types=("AWS::SSM::Parameter",), used_by=("fx",)),
    "fx_spread_bps": Knob(),
    "fx_spread_refresh_seconds": Knob(),
    "fx_quote_ttl_seconds": Knob(),
    "fx_dependency_timeout_seconds": Knob(),
    "fx_treasury_rates_parameter": Wired(resource_types=("AWS::SSM::Parameter",), used_by=("fx",)),
    "fx_treasury_rates": Knob(),
    "fx_treasury_refresh_seconds": Knob(),
    "fx_stuck_quote_after_seconds": Knob(),
    "fx_stuck_quote_batch": Knob(),
    # utilities
    "utilities_dependency_timeout_seconds": Knob(),
    "utilities_hold_ttl_seconds": Knob(),
    "utilities_stuck_after_seconds": Knob(),
    "utilities_stuck_batch": Knob(),
    # contracts
    "statements_bucket": Wired(resource_types=("AWS::S3::Bucket",), used_by=("contracts", "customer")),
    "document_prefix": Knob(),
    "document_url_ttl_seconds": Knob(),
    # notifications
    "sender_address": Wired(parameters=("SesSenderAddress",), used_by=("notifications",)),
    "spa_base_url": Wired(parameters=("SpaOrigin",)),
    "dependency_timeout_seconds": Knob(),
}


def settings_class(service: str) -> type[ServiceSettings]:
    module = importlib.import_module(f"{service}_service.settings")
    found = [value for value in vars(module).values() if isinstance(value, type)
             and issubclass(value, ServiceSettings) and value is not ServiceSettings]
    assert len(found) == 1, f"{service}_service.settings should define one ServiceSettings subclass"
    return found[0]


def env_name(name: str, info: FieldInfo) -> str:
    alias = info.validation_alias
    return (alias if isinstance(alias, str) else name).upper()


def origin_of(resolver: Resolver, service: str, variable: str) -> Origin | None:
    environment = cfn.function_environment(cfn.service_function_id(service))
    if variable not in environment:
        return None
    try:
        return resolver.origin(environment[variable])
    except Unset:
        return None


def resource_type(logical_id: str) -> str:
    return str(cfn.resources()[logical_id]["Type"])


@pytest.mark.parametrize("stage", DEPLOYED_STAGES)
@pytest.mark.parametrize("service", SERVICES)
def test_every_setting_comes_from_the_template(service: str, stage: str) -> None:
    resolver = Resolver(stage)
    problems: list[str] = []
    for name, info in settings_class(service).model_fields.items():
        rule = SETTINGS.get(name)
        if rule is None:
            problems.append(f"{name}: unclassified setting (add it to SETTINGS in this test)")
            continue
        variable = env_name(name, info)
        origin = origin_of(resolver, service, variable)
        problems += _check(rule, service, name, variable, origin, info)
    assert not problems, f"{service} ({stage}):\n  " + "\n  ".join(problems)


def _check(rule: object, service: str, name: str, variable: str, origin: Origin | None,
           info: FieldInfo) -> list[str]:
    if isinstance(rule, Wired):
        if service not in rule.used_by:
            return []
        if origin is None:
            return [f"{name}: {variable} is not set (it would fall back to {info.default!r})"]
        if origin.is_literal:
            return [f"{name}: {variable} is the literal {origin.text!r}, not from a parameter or resource"]
        wrong_types = [r for r in origin.resources if resource_type(r) not in rule.resource_types]
        wrong_parameters = sorted(origin.parameters - set(rule.parameters) - {"Stage"})
        if rule.resource_types and not origin.resources:
            return [f"{name}: {variable} must come from a {'/'.join(rule.resource_types)} resource"]
        if wrong_types or wrong_parameters or (rule.parameters and not origin.parameters & set(rule.parameters)):
            return [f"{name}: {variable} = {origin.text!r} comes from {sorted(origin.resources)} "
                    f"{sorted(origin.parameters)}, expected {rule}"]
        if any(marker in origin.text for marker in LOCAL_MARKERS):
            return [f"{name}: {variable} = {origin.text!r} is a local value"]
        return []
    if isinstance(rule, Literal):
        expected = service if rule.value == "<service>" else rule.value
        if origin is None or origin.text != expected:
            return [f"{name}: {variable} must be {expected!r}, is {origin.text if origin else None!r}"]
        return []
    if isinstance(rule, Absent):
        return [f"{name}: {variable} must not be set in AWS"] if origin is not None else []
    if isinstance(rule, Knob):
        default = str(info.default)
        if any(marker in default for marker in LOCAL_MARKERS):
            return [f"{name}: a knob's default must not be local ({default!r})"]
        return []
    if isinstance(rule, Runtime):
        return [f"{name}: {variable} is the runtime's own; the template must not set it"] if origin else []
    if isinstance(rule, Gap):
        if rule.when_wired is not None and not _check(rule.when_wired, service, name, variable, origin, info):
            return [f"{name}: now wired ({origin.text if origin else None!r}); replace its Gap entry by "
                    f"{rule.when_wired} ({rule.owner})"]
        return []
    return [f"{name}: no check for {rule!r}"]


def test_no_stale_classification() -> None:
    fields = {name for service in SERVICES for name in settings_class(service).model_fields}
    assert set(SETTINGS) - fields == set(), "settings that no longer exist: drop them from SETTINGS"


def test_db_secrets_are_the_services_own() -> None:
    resolver = Resolver("prod")
    for service in SERVICES:
        origin = origin_of(resolver, service, "DB_SECRET_ID")
        assert origin is not None and len(origin.resources) == 1, service
        (secret_id,) = origin.resources
        secret = cfn.resources()[secret_id]["Properties"]
        assert resolver.origin(secret["Name"]).text == f"bank/prod/db/{service}"
        assert secret["GenerateSecretString"]["SecretStringTemplate"] == f'{{"username": "{service}"}}'
        assert secret["GenerateSecretString"]["GenerateStringKey"] == "password"


def test_kafka_bootstrap_is_looked_up_never_a_parameter() -> None:
    assert "KafkaBootstrapServers" not in cfn.template()["Parameters"]
    for service in SERVICES:
        environment = cfn.function_environment(cfn.service_function_id(service))
        assert environment["KAFKA_BOOTSTRAP_SERVERS"] == {"Fn::GetAtt": ["KafkaBootstrap", "BootstrapServers"]}
    bootstrap = cfn.resources()["KafkaBootstrap"]
    assert bootstrap["Type"] == "Custom::KafkaBootstrap"
    assert bootstrap["Properties"]["ClusterArn"] == {"Fn::GetAtt": ["EventsCluster", "Arn"]}


def test_service_calls_go_to_functions_not_loopback() -> None:
    globals_env = cfn.template()["Globals"]["Function"]["Environment"]["Variables"]
    assert Resolver("prod").origin(globals_env["SERVICE_FUNCTION_PREFIX"]).text == "bank-prod-"
    assert globals_env["SERVICE_FUNCTION_ALIAS"] == cfn.template()["Globals"]["Function"]["AutoPublishAlias"]
    for logical_id in cfn.functions():
        assert "SERVICE_BASE_URL" not in cfn.function_environment(logical_id), logical_id


@pytest.mark.parametrize("stage", DEPLOYED_STAGES)
def test_samconfig_sets_every_parameter_without_a_safe_default(stage: str) -> None:
    """Parameters without a default, or whose default is local, are set for each deployed stage."""
    overrides = cfn.samconfig_parameters(stage)
    for name, spec in cfn.template()["Parameters"].items():
        default = spec.get("Default")
        if default is None or any(marker in str(default) for marker in LOCAL_MARKERS):
            assert name in overrides, f"samconfig [{stage}] must set {name}"
    assert overrides["Stage"] == stage
    for value in overrides.values():
        assert not any(marker in value for marker in LOCAL_MARKERS), value
        assert not value.startswith(("subnet-0000", "sg-0000", "vpc-0000")), f"placeholder id {value}"
    assert overrides["JwtIssuer"].startswith("https://")


def test_samconfig_holds_no_resource_ids() -> None:
    text = cfn.SAMCONFIG.read_text()
    for prefix in ("subnet-", "sg-", "vpc-"):
        assert prefix not in text, f"samconfig.toml names a {prefix} id"


def test_the_local_emulator_gets_every_setting_that_has_no_default(tmp_path: Path) -> None:
    """What AWS resources provide, the local stack provides through env.json: a setting without a default
    (an SSM parameter name, a secret id) must not silently vanish locally when its template value names a
    resource the emulator cannot resolve."""
    import stackctl_config

    from local_gateway.template import load_model

    ports = {"GATEWAY_PORT": "3000", "REDIS_PORT": "63799", "KAFKA_PORT": "19092", "LOCALSTACK_PORT": "4566",
             "FRANKFURTER_PORT": "8089", "PUSH_PORT": "8094", "PG_PORT": "54329", "AWS_DEFAULT_REGION": "eu-central-1"}
    secrets = {"service_db_passwords": dict.fromkeys(SERVICES, "pw")}
    env_file = tmp_path / "env.json"
    env_file.write_text(json.dumps(stackctl_config.env_document(ports, secrets)))
    model = load_model(cfn.TEMPLATE, env_file, cfn.REPO, "eu-central-1")
    missing = []
    for service in SERVICES:
        environment = model.functions[cfn.service_function_id(service)].environment
        for name, info in settings_class(service).model_fields.items():
            rule = SETTINGS.get(name)
            wired_without_default = isinstance(rule, Wired) and service in rule.used_by and info.default is None
            if wired_without_default and env_name(name, info) not in environment:
                missing.append(f"{service}: {env_name(name, info)}")
    assert not missing, missing
