"""Create the AWS resources the local stack needs in LocalStack. Idempotent.

Two ways to run it:

* no Docker: the launcher runs ``python localstack/init/init_aws.py`` with the project
  venv once LocalStack is healthy, with ``BANK_SECRETS_FILE`` pointing at the secrets it
  generated (``{"secrets": {"<name>": <string or JSON object>}}``);
* Docker: docker-compose mounts ``localstack/init/`` as LocalStack's ``ready.d``, and
  LocalStack ``exec``s this file in its own interpreter (``__name__`` is then
  ``"builtins"``). Without ``BANK_SECRETS_FILE`` only the JWT signing key pair is
  generated, and only if that secret does not exist yet.

Environment: ``AWS_ENDPOINT_URL`` (default http://127.0.0.1:4566; empty means boto3's
default endpoints), ``AWS_DEFAULT_REGION`` (default eu-central-1), ``BANK_SECRETS_FILE``,
``FRANKFURTER_URL`` (default http://127.0.0.1:$FRANKFURTER_PORT, port 8089).
Credentials are always the dummy ``test``/``test``.
"""

from __future__ import annotations

import json
import os
import secrets
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError

DEFAULT_ENDPOINT = "http://127.0.0.1:4566"
DEFAULT_REGION = "eu-central-1"
SERVICES = (
    "auth",
    "customer",
    "office",
    "accounts",
    "ledger",
    "fx",
    "utilities",
    "contracts",
    "notifications",
)
PREFIX = "bank-local"
SPA_BUCKET = f"{PREFIX}-spa"
STATEMENTS_BUCKET = f"{PREFIX}-statements"
SES_SENDER = "no-reply@bank.local"
SES_DOMAIN = "bank.local"
JWT_SECRET_NAME = "bank/local/auth/jwt-signing-keys"
SSM_PREFIX = "/bank/local"
QUEUE_ATTRIBUTES = {"MessageRetentionPeriod": "1209600"}  # 14 days, the SQS maximum
# The treasury's own RUB rates (RUB per one unit of each currency, mid rates; the fx service applies the
# spread). The ECB reference set has no RUB; currencies not listed are crossed through USD by fx.
TREASURY_RATES = {
    "base": "RUB",
    "as_of": "2026-11-25",
    "rates": {"USD": "81.4500", "EUR": "94.3000", "CNY": "11.4200"},
}

Clients = dict[str, Any]


def log(kind: str, name: str, outcome: str) -> None:
    print(f"init_aws: {kind} {name}: {outcome}", flush=True)


def error_code(exc: ClientError) -> str:
    return str(exc.response.get("Error", {}).get("Code", ""))


def make_clients(endpoint_url: str | None, region: str) -> Clients:
    session = boto3.session.Session(
        aws_access_key_id="test",
        aws_secret_access_key="test",  # noqa: S106 - LocalStack dummy credentials
        region_name=region,
    )
    config = Config(retries={"max_attempts": 8, "mode": "standard"}, connect_timeout=5)
    names = ("s3", "ses", "sqs", "ssm", "secretsmanager")
    return {name: session.client(name, endpoint_url=endpoint_url, config=config) for name in names}


def queue_names() -> list[str]:
    return [f"{PREFIX}-{service}-dlq" for service in SERVICES] + [f"{PREFIX}-events-dlq"]


def ssm_parameters(env: Mapping[str, str]) -> dict[str, str]:
    port = env.get("FRANKFURTER_PORT") or "8089"
    frankfurter_url = env.get("FRANKFURTER_URL") or f"http://127.0.0.1:{port}"
    return {
        f"{SSM_PREFIX}/fx/spread_bps": "50",
        f"{SSM_PREFIX}/fx/frankfurter_url": frankfurter_url,
        f"{SSM_PREFIX}/fx/treasury_rates": json.dumps(TREASURY_RATES, separators=(",", ":")),
        f"{SSM_PREFIX}/ratelimit/default_per_minute": "600",
        f"{SSM_PREFIX}/ratelimit/login_per_minute": "10",
        f"{SSM_PREFIX}/ses/sender": SES_SENDER,
        f"{SSM_PREFIX}/s3/spa_bucket": SPA_BUCKET,
        f"{SSM_PREFIX}/s3/statements_bucket": STATEMENTS_BUCKET,
    }


# --- S3 ----------------------------------------------------------------------------


def ensure_bucket(s3: Any, name: str, region: str) -> str:
    try:
        s3.head_bucket(Bucket=name)
        return "exists"
    except ClientError as exc:
        if error_code(exc) not in ("404", "NoSuchBucket", "NotFound"):
            raise
    kwargs: dict[str, Any] = {"Bucket": name}
    if region != "us-east-1":
        kwargs["CreateBucketConfiguration"] = {"LocationConstraint": region}
    s3.create_bucket(**kwargs)
    return "created"


def ensure_spa_bucket(s3: Any, region: str) -> None:
    outcome = ensure_bucket(s3, SPA_BUCKET, region)
    s3.put_bucket_website(
        Bucket=SPA_BUCKET,
        WebsiteConfiguration={
            "IndexDocument": {"Suffix": "index.html"},
            "ErrorDocument": {"Key": "404.html"},
        },
    )
    log("s3 bucket", SPA_BUCKET, f"{outcome} (website: index.html, 404.html)")


def ensure_statements_bucket(s3: Any, region: str) -> None:
    outcome = ensure_bucket(s3, STATEMENTS_BUCKET, region)
    s3.put_public_access_block(
        Bucket=STATEMENTS_BUCKET,
        PublicAccessBlockConfiguration={
            "BlockPublicAcls": True,
            "IgnorePublicAcls": True,
            "BlockPublicPolicy": True,
            "RestrictPublicBuckets": True,
        },
    )
    s3.put_bucket_versioning(Bucket=STATEMENTS_BUCKET, VersioningConfiguration={"Status": "Enabled"})
    log("s3 bucket", STATEMENTS_BUCKET, f"{outcome} (private, versioning on)")


# --- SES ---------------------------------------------------------------------------


def ensure_ses_identities(ses: Any) -> None:
    existing = set(ses.list_identities()["Identities"])
    for identity, verify in (
        (SES_DOMAIN, lambda: ses.verify_domain_identity(Domain=SES_DOMAIN)),
        (SES_SENDER, lambda: ses.verify_email_identity(EmailAddress=SES_SENDER)),
    ):
        if identity in existing:
            log("ses identity", identity, "exists")
            continue
        verify()
        log("ses identity", identity, "verified")


# --- SQS ---------------------------------------------------------------------------


def ensure_queue(sqs: Any, name: str) -> None:
    try:
        url = sqs.get_queue_url(QueueName=name)["QueueUrl"]
    except ClientError as exc:
        if error_code(exc) not in (
            "AWS.SimpleQueueService.NonExistentQueue",
            "QueueDoesNotExist",
        ):
            raise
        sqs.create_queue(QueueName=name, Attributes=QUEUE_ATTRIBUTES)
        log("sqs queue", name, "created")
        return
    current = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=list(QUEUE_ATTRIBUTES))
    if current.get("Attributes", {}) != QUEUE_ATTRIBUTES:
        sqs.set_queue_attributes(QueueUrl=url, Attributes=QUEUE_ATTRIBUTES)
        log("sqs queue", name, "exists (attributes updated)")
        return
    log("sqs queue", name, "exists")


# --- SSM ---------------------------------------------------------------------------


def ensure_parameter(ssm: Any, name: str, value: str) -> None:
    try:
        current = ssm.get_parameter(Name=name)["Parameter"]["Value"]
    except ClientError as exc:
        if error_code(exc) != "ParameterNotFound":
            raise
        current = None
    if current == value:
        log("ssm parameter", name, "unchanged")
        return
    ssm.put_parameter(Name=name, Value=value, Type="String", Overwrite=True)
    log("ssm parameter", name, "created" if current is None else "updated")


# --- Secrets Manager -----------------------------------------------------------------


def secret_string(value: str | Mapping[str, Any] | list[Any]) -> str:
    return value if isinstance(value, str) else json.dumps(value)


def current_secret(sm: Any, name: str) -> str | None:
    try:
        return sm.get_secret_value(SecretId=name).get("SecretString")
    except ClientError as exc:
        if error_code(exc) != "ResourceNotFoundException":
            raise
        return None


def ensure_secret(sm: Any, name: str, value: str) -> None:
    current = current_secret(sm, name)
    if current is None:
        try:
            sm.create_secret(Name=name, SecretString=value)
            log("secret", name, "created")
            return
        except ClientError as exc:  # another `up` running at the same moment created it first
            if error_code(exc) != "ResourceExistsException":
                raise
    if current != value:
        sm.put_secret_value(SecretId=name, SecretString=value)
        log("secret", name, "updated")
    else:
        log("secret", name, "unchanged")


def load_secrets_file(path: Path) -> dict[str, str]:
    doc = json.loads(path.read_text(encoding="utf-8"))
    entries = doc.get("secrets")
    if not isinstance(entries, dict):
        raise TypeError(f"{path}: expected an object under 'secrets'")
    return {str(name): secret_string(value) for name, value in entries.items()}


def generate_jwt_signing_keys() -> str:
    """A fresh RS256 key pair in the auth service's secret format (private key only)."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(
        encoding=serialization.Encoding.PEM,
        format=serialization.PrivateFormat.PKCS8,
        encryption_algorithm=serialization.NoEncryption(),
    ).decode("ascii")
    current = {"kid": f"local-{secrets.token_hex(8)}", "private_key_pem": pem}
    return json.dumps({"current": current, "previous": None})


def ensure_generated_jwt_secret(sm: Any) -> None:
    if current_secret(sm, JWT_SECRET_NAME) is not None:
        log("secret", JWT_SECRET_NAME, "exists (kept)")
        return
    sm.create_secret(Name=JWT_SECRET_NAME, SecretString=generate_jwt_signing_keys())
    log("secret", JWT_SECRET_NAME, "created (generated RS256 key pair)")


def ensure_secrets(sm: Any, env: Mapping[str, str]) -> None:
    path_text = env.get("BANK_SECRETS_FILE") or ""
    path = Path(path_text) if path_text else None
    if path is None or not path.is_file():
        ensure_generated_jwt_secret(sm)
        return
    for name, value in load_secrets_file(path).items():
        ensure_secret(sm, name, value)


# --- entry points ------------------------------------------------------------------


def run(clients: Clients, env: Mapping[str, str], region: str) -> None:
    ensure_spa_bucket(clients["s3"], region)
    ensure_statements_bucket(clients["s3"], region)
    ensure_ses_identities(clients["ses"])
    for name in queue_names():
        ensure_queue(clients["sqs"], name)
    for name, value in ssm_parameters(env).items():
        ensure_parameter(clients["ssm"], name, value)
    ensure_secrets(clients["secretsmanager"], env)


def main() -> int:
    env = dict(os.environ)
    endpoint_url = env.get("AWS_ENDPOINT_URL", DEFAULT_ENDPOINT) or None
    region = env.get("AWS_DEFAULT_REGION") or DEFAULT_REGION
    log("endpoint", endpoint_url or "aws default", f"region {region}")
    run(make_clients(endpoint_url, region), env, region)
    log("done", PREFIX, "all resources in place")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
if __name__ == "builtins":  # LocalStack's ready.d runner: exec(source, {})
    main()
