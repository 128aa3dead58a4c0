"""Generated configuration: secrets.json, aws-secrets.json, stack.json and SAM env.json."""

from __future__ import annotations

import base64
import json
import re
import secrets
import uuid
from pathlib import Path
from typing import Any

from stackctl_common import LOCAL, REPO, SERVICES, StackError, port, run, write_json

SECRETS_FILE = LOCAL / "secrets.json"
AWS_SECRETS_FILE = LOCAL / "aws-secrets.json"
STACK_FILE = LOCAL / "stack.json"
ENV_FILE = LOCAL / "env.json"
TEMPLATE = REPO / "template.yaml"
DEMO_ROLES = ("admin", "employee", "customer")
DEMO_DOMAIN = "bank.example"
# Words for passwords a person can read aloud; randomness comes from secrets.choice + digits.
_WORDS = ("Amber", "Birch", "Cedar", "Delta", "Ember", "Falcon", "Garnet", "Harbor", "Indigo", "Juniper",
          "Kestrel", "Lagoon", "Maple", "Nimbus", "Orchid", "Pepper", "Quartz", "Raven", "Saffron",
          "Tundra", "Umber", "Violet", "Willow", "Yarrow", "Zephyr", "Copper", "Meadow", "Summit")


# --------------------------------------------------------------------------- secrets.json


def _db_password() -> str:
    return secrets.token_urlsafe(24)


def _readable_password() -> str:
    first, second = secrets.choice(_WORDS), secrets.choice(_WORDS)
    return f"{first}-{second}-{secrets.randbelow(9000) + 1000}"


def _rsa_private_key_der_b64() -> str:
    """A 2048-bit RSA key as base64 PKCS#8 DER (the body of openssl's PEM output)."""
    pem = run(["openssl", "genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048"],
              what="openssl genpkey").stdout
    begin, end = "-----BEGIN " + "PRIVATE KEY-----", "-----END " + "PRIVATE KEY-----"  # split for secret scanners
    if begin not in pem or end not in pem:
        raise StackError("openssl genpkey did not print a PEM private key")
    body = pem.split(begin, 1)[1].split(end, 1)[0]
    return "".join(body.split())


# The local KMS keys (localstack/init/init_aws.py imports this material, so the keys survive a LocalStack
# restart): alias → how to make the material. In AWS the keys are made by KMS and never leave it.
KMS_KEY_MATERIAL = {
    "alias/bank-local-jwt-signing": _rsa_private_key_der_b64,
    "alias/bank-local-card-token": lambda: base64.b64encode(secrets.token_bytes(32)).decode(),
    "alias/bank-local-data": lambda: base64.b64encode(secrets.token_bytes(32)).decode(),
}


def _kms_keys(data: dict[str, Any]) -> dict[str, Any]:
    keys: dict[str, Any] = data.setdefault("kms_keys", {})
    for alias, make_material in KMS_KEY_MATERIAL.items():
        if not keys.get(alias, {}).get("material"):
            keys[alias] = {"key_id": str(uuid.uuid4()), "material": make_material()}
    return keys


def ensure_secrets() -> tuple[dict[str, Any], bool]:
    """Load .local/secrets.json, adding whatever is missing (generated once, never rotated here)."""
    data: dict[str, Any] = {}
    if SECRETS_FILE.is_file():
        try:
            data = json.loads(SECRETS_FILE.read_text())
        except ValueError as exc:
            raise StackError(f"{SECRETS_FILE} is not valid JSON; fix it or run `make reset`") from exc
    before = json.dumps(data, sort_keys=True)
    data.setdefault("postgres", {}).setdefault("admin_user", "postgres")
    data["postgres"].setdefault("admin_password", _db_password())
    roles = data.setdefault("service_db_passwords", {})
    for service in SERVICES:
        roles.setdefault(service, _db_password())
    data.pop("jwt", None)  # the PEM signing key of before: tokens are signed in (LocalStack) KMS now
    _kms_keys(data)
    data.setdefault("one_time_link_key", secrets.token_urlsafe(48))
    data.setdefault("vapid_key", secrets.token_urlsafe(48))  # web push: the VAPID key pair is derived from it
    data.setdefault("card_network_key", secrets.token_urlsafe(48))  # the card network's HMAC key (docs/cards.md)
    # The card acquirer's API secret and webhook HMAC key (docs/payments.md "Money in").
    data.setdefault("acquirer_secret_key", secrets.token_urlsafe(32))
    data.setdefault("acquirer_webhook_key", secrets.token_urlsafe(48))
    data.setdefault("hec_token", str(uuid.uuid4()))  # the HEC stand-in's token (Splunk's are GUIDs)
    users = data.setdefault("demo_users", {})
    for role in DEMO_ROLES:
        user = users.setdefault(role, {"email": "", "password": _readable_password(), "role": role})
        # .local is a special-use domain that e-mail validators reject; .example is reserved for docs/demos.
        if not user.get("email") or user["email"].endswith("@bank.local"):
            user["email"] = f"{role}@{DEMO_DOMAIN}"
    changed = json.dumps(data, sort_keys=True) != before
    LOCAL.mkdir(parents=True, exist_ok=True)
    write_json(SECRETS_FILE, data, mode=0o600)
    return data, changed


# --------------------------------------------------------------------------- derived files


def urls(cfg: dict[str, str]) -> dict[str, str]:
    host = "127.0.0.1"
    gateway_host = cfg.get("GATEWAY_HOST", host)
    return {
        "gateway": f"http://{gateway_host}:{port(cfg, 'GATEWAY_PORT')}",
        "redis": f"redis://{host}:{port(cfg, 'REDIS_PORT')}/0",
        "kafka": f"{host}:{port(cfg, 'KAFKA_PORT')}",
        "localstack": f"http://{host}:{port(cfg, 'LOCALSTACK_PORT')}",
        "frankfurter": f"http://{host}:{port(cfg, 'FRANKFURTER_PORT')}",
        "push": f"http://{host}:{port(cfg, 'PUSH_PORT')}",
        "card_network": f"http://{host}:{card_network_port(cfg)}",
        "acquirer": f"http://{host}:{acquirer_port(cfg)}",
    }


CARD_NETWORK_DEFAULT_PORT = "8096"


def card_network_port(cfg: dict[str, str]) -> str:
    """The card-network stand-in's port (docs/cards.md): stack.env or the environment, else its default."""
    return cfg.get("CARD_NETWORK_PORT", CARD_NETWORK_DEFAULT_PORT)


ACQUIRER_DEFAULT_PORT = "8097"
ACQUIRER_SHOP_ID = "bank-local"


def acquirer_port(cfg: dict[str, str]) -> str:
    """The card-acquirer stand-in's port (docs/payments.md): stack.env or the environment, else its default."""
    return cfg.get("ACQUIRER_PORT", ACQUIRER_DEFAULT_PORT)


def database_url(cfg: dict[str, str], sec: dict[str, Any], service: str) -> str:
    password = sec["service_db_passwords"][service]
    return f"postgresql://{service}:{password}@127.0.0.1:{port(cfg, 'PG_PORT')}/{service}"


def db_secret_id(service: str) -> str:
    return f"bank/local/db/{service}"


def stack_document(cfg: dict[str, str], sec: dict[str, Any]) -> dict[str, Any]:
    u = urls(cfg)
    return {
        "gateway_url": u["gateway"],
        "api_base": f"{u['gateway']}/api",
        "spa_url": f"{u['gateway']}/banking-service",
        "postgres": {"host": "127.0.0.1", "port": port(cfg, "PG_PORT"),
                     "admin_user": sec["postgres"]["admin_user"],
                     "admin_password": sec["postgres"]["admin_password"]},
        "services": {s: {"database_url": database_url(cfg, sec, s), "db_secret_id": db_secret_id(s)}
                     for s in SERVICES},
        "redis_url": u["redis"],
        "kafka_bootstrap": u["kafka"],
        "localstack_url": u["localstack"],
        "frankfurter_url": u["frankfurter"],
        # The operations pieces (docs/operations.md): the HEC stand-in with its token, Kafka Connect's REST API.
        "hec": {"url": f"http://127.0.0.1:{port(cfg, 'HEC_PORT')}", "token": sec["hec_token"]},
        # The web push service stand-in (docs/events.md "Web push"): subscriptions' endpoints are {push_url}/push/…
        "push_url": u["push"],
        # The card-network stand-in's control API (docs/cards.md): tests fire purchases through it.
        "card_network_url": u["card_network"],
        # The card-acquirer stand-in (docs/payments.md "Money in"): its API, payment pages and control API.
        "acquirer_url": u["acquirer"],
        "kafka_connect_url": f"http://127.0.0.1:{port(cfg, 'KAFKA_CONNECT_PORT')}",
        "redis_commander_url": f"http://127.0.0.1:{port(cfg, 'REDIS_COMMANDER_PORT')}",
        "aws_region": cfg["AWS_DEFAULT_REGION"],
        "jwt_issuer": f"{u['gateway']}/api/auth",
        "kms_key_ids": {name: value for block in SERVICE_KMS_ENV.values() for name, value in block.items()
                        if name.endswith("_KEY_ID")},
        "jwt_audience": "bank-api",
        "demo_users": sec["demo_users"],
    }


def aws_secrets_document(cfg: dict[str, str], sec: dict[str, Any]) -> dict[str, Any]:
    entries: dict[str, Any] = {
        db_secret_id(s): {"host": "127.0.0.1", "port": port(cfg, "PG_PORT"), "dbname": s, "username": s,
                          "password": sec["service_db_passwords"][s]}
        for s in SERVICES
    }
    entries["bank/local/auth/one-time-link-key"] = {"key": sec["one_time_link_key"]}
    entries["bank/local/notifications/vapid-key"] = {"key": sec["vapid_key"]}
    entries["bank/local/accounts/card-network-key"] = {"key": sec["card_network_key"]}
    entries["bank/local/accounts/acquirer"] = {"shop_id": ACQUIRER_SHOP_ID, "secret_key": sec["acquirer_secret_key"],
                                               "webhook_key": sec["acquirer_webhook_key"]}
    return {"secrets": entries, "kms_keys": sec["kms_keys"]}


def function_logical_ids() -> list[str]:
    """Logical ids of AWS::Serverless::Function resources in template.yaml (indentation-based scan)."""
    if not TEMPLATE.is_file():
        return []
    ids, current, in_resources = [], None, False
    for line in TEMPLATE.read_text().splitlines():
        if re.match(r"^\S", line):
            in_resources = line.startswith("Resources:")
            current = None
            continue
        if not in_resources:
            continue
        top = re.match(r"^  ([A-Za-z0-9]+):\s*(#.*)?$", line)
        if top:
            current = top.group(1)
        elif current and re.match(r"^    Type:\s*['\"]?AWS::Serverless::Function", line):
            ids.append(current)
    return ids


def _service_for(logical_id: str) -> str | None:
    """The service whose capitalised name prefixes the id (longest match wins)."""
    matches = [s for s in SERVICES if logical_id.startswith(s.capitalize())]
    return max(matches, key=len) if matches else None


def env_document(cfg: dict[str, str], sec: dict[str, Any]) -> dict[str, Any]:
    u = urls(cfg)
    issuer = f"{u['gateway']}/api/auth"
    doc: dict[str, Any] = {"Parameters": {"Stage": "local", "JwtIssuer": issuer, "JwtAudience": "bank-api"}}
    blocks = {s: _function_env(cfg, sec, s, u, issuer) for s in SERVICES}
    # Ids named after a service (AuthFunction, NotificationsConsumerFunction, ...) get its block.
    logical_ids = [f"{s.capitalize()}Function" for s in SERVICES] + ["NotificationsConsumerFunction"]
    logical_ids += [i for i in function_logical_ids() if i not in logical_ids]
    for logical_id in logical_ids:
        service = _service_for(logical_id)
        if service:
            doc[logical_id] = blocks[service]
        elif logical_id in PLATFORM_FUNCTIONS:
            doc[logical_id] = _platform_env(cfg, u)
    return doc


# Functions of no service that run locally only from their build (tests/built): the log forwarder writes the
# local broker, as the gateway's own log shipping does.
PLATFORM_FUNCTIONS = ("LogForwarderFunction",)


def _platform_env(cfg: dict[str, str], u: dict[str, str]) -> dict[str, str]:
    return {"APP_ENV": "local", "KAFKA_BOOTSTRAP_SERVERS": u["kafka"], "KAFKA_SECURITY": "plaintext",
            "AWS_ENDPOINT_URL": u["localstack"], "AWS_ACCESS_KEY_ID": "test", "AWS_SECRET_ACCESS_KEY": "test",
            "AWS_DEFAULT_REGION": cfg["AWS_DEFAULT_REGION"], "POWERTOOLS_SERVICE_NAME": "platform",
            "POWERTOOLS_TRACE_DISABLED": "true", "POWERTOOLS_METRICS_NAMESPACE": "Bank", "LOG_LEVEL": "INFO"}


# What the template wires from AWS resources (SSM parameters, ...) that the emulator cannot resolve; the
# values name what localstack/init/init_aws.py creates.
SERVICE_ENV: dict[str, dict[str, str]] = {
    "fx": {"FX_SPREAD_PARAMETER": "/bank/local/fx/spread_bps",
           "FX_TREASURY_RATES_PARAMETER": "/bank/local/fx/treasury_rates"},
}


def _function_env(cfg: dict[str, str], sec: dict[str, Any], service: str, u: dict[str, str],
                  issuer: str) -> dict[str, str]:
    return SERVICE_ENV.get(service, {}) | {
        "APP_ENV": "local",
        "SERVICE_NAME": service,
        "DB_SECRET_ID": db_secret_id(service),
        "DATABASE_URL": database_url(cfg, sec, service),
        "REDIS_URL": u["redis"],
        "KAFKA_BOOTSTRAP_SERVERS": u["kafka"],
        "KAFKA_SECURITY": "plaintext",
        "AWS_ENDPOINT_URL": u["localstack"],
        "AWS_ACCESS_KEY_ID": "test",
        "AWS_SECRET_ACCESS_KEY": "test",
        "AWS_DEFAULT_REGION": cfg["AWS_DEFAULT_REGION"],
        "FRANKFURTER_URL": u["frankfurter"],
        "JWT_ISSUER": issuer,
        "JWT_AUDIENCE": "bank-api",
        # Services invoke each other's functions directly; locally through the gateway's Lambda Invoke API.
        "SERVICE_FUNCTION_PREFIX": "bank-local-",
        "SERVICES_ACTING_FOR_STAFF": "office",  # as the template's Globals
        "LAMBDA_ENDPOINT_URL": u["gateway"],
        "SPA_BASE_URL": u["gateway"],  # links in mails point at this stack's SPA (ports are configurable)
        "POWERTOOLS_SERVICE_NAME": service,
        "POWERTOOLS_TRACE_DISABLED": "true",
        "POWERTOOLS_METRICS_NAMESPACE": "Bank",
        "LOG_LEVEL": "INFO",
        # Locally every client (browser, tests, seeds) is 127.0.0.1, so the per-IP limits of the anonymous
        # auth routes would be one budget for everything; per-user limits and the per-address lockout stay.
        "RATE_LIMIT_RULES": LOCAL_ANONYMOUS_RATE_LIMITS,
    } | SERVICE_KMS_ENV.get(service, {}) | _push_env(service, u) | _acquirer_env(service, u)


def _push_env(service: str, u: dict[str, str]) -> dict[str, str]:
    """Notifications pushes to the real push services and, locally, to the push stand-in."""
    return {"PUSH_STANDIN_ORIGIN": u["push"]} if service == "notifications" else {}


def _acquirer_env(service: str, u: dict[str, str]) -> dict[str, str]:
    """Accounts takes card top-ups through the acquirer; locally the stand-in."""
    return {"ACQUIRER_URL": u["acquirer"]} if service == "accounts" else {}


# Each service gets only the KMS keys it uses (the aliases localstack/init/init_aws.py creates).
SERVICE_KMS_ENV = {
    "auth": {"JWT_SIGNING_KEY_ID": "alias/bank-local-jwt-signing", "DATA_KEY_ID": "alias/bank-local-data",
             # Short, so a local key rotation (tests/integration/auth/test_key_rotation.py) waits seconds.
             "SIGNING_KEYS_CACHE_SECONDS": "5"},
    "accounts": {"CARD_TOKEN_KEY_ID": "alias/bank-local-card-token"},
}


LOCAL_ANONYMOUS_RATE_LIMITS = (
    '{"POST /api/auth/login": "1200/60", "POST /api/auth/register": "600/60", '
    '"POST /api/auth/activation/resend": "300/60", "POST /api/auth/password/forgot": "300/60", '
    '"POST /api/auth/password/reset": "300/60", "POST /api/auth/token": "1200/60"}'
)


def write_generated(cfg: dict[str, str], sec: dict[str, Any]) -> list[str]:
    """Write stack.json, env.json and aws-secrets.json; returns the names that changed."""
    changed = []
    if write_json(STACK_FILE, stack_document(cfg, sec), mode=0o600):
        changed.append(STACK_FILE.name)
    if write_json(ENV_FILE, env_document(cfg, sec), mode=0o600):
        changed.append(ENV_FILE.name)
    if write_json(AWS_SECRETS_FILE, aws_secrets_document(cfg, sec), mode=0o600):
        changed.append(AWS_SECRETS_FILE.name)
    return changed


def generated_paths() -> list[Path]:
    return [SECRETS_FILE, AWS_SECRETS_FILE, STACK_FILE, ENV_FILE]
