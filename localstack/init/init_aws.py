"""Create the AWS resources the local stack needs in LocalStack. Idempotent.

Two ways to run it:

* no Docker: the launcher runs ``python localstack/init/init_aws.py`` with the project
  venv once LocalStack is healthy, with ``BANK_SECRETS_FILE`` pointing at the secrets it
  generated (``{"secrets": {"<name>": <string or JSON object>}}``);
* Docker: docker-compose mounts ``localstack/init/`` as LocalStack's ``ready.d``, and
  LocalStack ``exec``s this file in its own interpreter (``__name__`` is then
  ``"builtins"``). Without ``BANK_SECRETS_FILE`` no secret is loaded and the KMS keys
  get fresh key material.

KMS keys (docs/keys.md): the JWT signing key (RSA_2048), the card-token key (HMAC_256)
and the data key (symmetric), each behind its ``alias/bank-local-…``. The secrets file's
``kms_keys`` section gives each a key id and key material, imported the way AWS imports
external key material (``GetParametersForImport`` + ``RSA_AES_KEY_WRAP_SHA_256``), so the
keys stay the same when LocalStack (which keeps no state) restarts: sealed TOTP secrets
and card tokens in PostgreSQL stay valid. An existing alias is never moved (a rotated
signing key stays current).

Environment: ``AWS_ENDPOINT_URL`` (default http://127.0.0.1:4566; empty means boto3's
default endpoints), ``AWS_DEFAULT_REGION`` (default eu-central-1), ``BANK_SECRETS_FILE``,
``FRANKFURTER_URL`` (default http://127.0.0.1:$FRANKFURTER_PORT, port 8089).
Credentials are always the dummy ``test``/``test``.
"""

from __future__ import annotations

import base64
import json
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError

DEFAULT_ENDPOINT = "http://127.0.0.1:4566"
DEFAULT_REGION = "eu-central-1"
PREFIX = "bank-local"
SPA_BUCKET = f"{PREFIX}-spa"
STATEMENTS_BUCKET = f"{PREFIX}-statements"
SES_SENDER = "no-reply@bank.local"
SES_DOMAIN = "bank.local"
SSM_PREFIX = "/bank/local"
QUEUE_ATTRIBUTES = {"MessageRetentionPeriod": "1209600"}  # 14 days, the SQS maximum
# alias → (KeySpec, KeyUsage, description); the services read the aliases from their environment.
KMS_KEYS = {
    f"alias/{PREFIX}-jwt-signing": ("RSA_2048", "SIGN_VERIFY", "JWT signing key of auth (RS256)"),
    f"alias/{PREFIX}-card-token": ("HMAC_256", "GENERATE_VERIFY_MAC", "Card-number tokens of accounts (HMAC-SHA256)"),
    f"alias/{PREFIX}-data": ("SYMMETRIC_DEFAULT", "ENCRYPT_DECRYPT", "Envelope encryption of secrets at rest"),
}
CUSTOM_ID_TAG = "_custom_id_"  # LocalStack: create the key with this key id
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
    """Clients of the LocalStack at `endpoint_url` (localstack-client); without one (the unit tests, under moto)
    plain boto3 with the same dummy credentials."""
    config = Config(retries={"max_attempts": 8, "mode": "standard"}, connect_timeout=5)
    names = ("s3", "ses", "sqs", "ssm", "secretsmanager", "kms")
    if endpoint_url:
        from localstack_session import localstack_session  # localstack/ is on PYTHONPATH (stackctl sets it)

        local = localstack_session(endpoint_url, region)
        return {name: local.client(name, config=config) for name in names}
    session = boto3.session.Session(
        aws_access_key_id="test",
        aws_secret_access_key="test",  # noqa: S106 - LocalStack dummy credentials
        region_name=region,
    )
    return {name: session.client(name, config=config) for name in names}


def queue_names(env: Mapping[str, str]) -> list[str]:
    services = [s for s in env.get("BANK_SERVICES", "").split(",") if s]  # from the launcher's registry
    return [f"{PREFIX}-{service}-dlq" for service in services] + [f"{PREFIX}-events-dlq"]


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


def load_secrets_doc(env: Mapping[str, str]) -> dict[str, Any]:
    path_text = env.get("BANK_SECRETS_FILE") or ""
    path = Path(path_text) if path_text else None
    if path is None or not path.is_file():
        return {}
    doc: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return doc


def ensure_secrets(sm: Any, env: Mapping[str, str]) -> None:
    path_text = env.get("BANK_SECRETS_FILE") or ""
    if not path_text or not Path(path_text).is_file():
        log("secrets", "-", "no secrets file: none loaded")
        return
    for name, value in load_secrets_file(Path(path_text)).items():
        ensure_secret(sm, name, value)


# --- KMS -----------------------------------------------------------------------------


def alias_target(kms: Any, alias: str) -> str | None:
    try:
        return str(kms.describe_key(KeyId=alias)["KeyMetadata"]["KeyId"])
    except ClientError as exc:
        if error_code(exc) != "NotFoundException":
            raise
        return None


def import_key_material(kms: Any, key_id: str, material: bytes) -> None:
    """AWS's import protocol: the material wrapped with a one-time AES key, itself wrapped for KMS."""
    from cryptography.hazmat.primitives import hashes, keywrap, serialization
    from cryptography.hazmat.primitives.asymmetric import padding, rsa

    params = kms.get_parameters_for_import(
        KeyId=key_id, WrappingAlgorithm="RSA_AES_KEY_WRAP_SHA_256", WrappingKeySpec="RSA_2048"
    )
    wrapping_key = serialization.load_der_public_key(params["PublicKey"])
    if not isinstance(wrapping_key, rsa.RSAPublicKey):
        raise TypeError("KMS returned a wrapping key that is not RSA")
    aes_key = os.urandom(32)
    oaep = padding.OAEP(mgf=padding.MGF1(hashes.SHA256()), algorithm=hashes.SHA256(), label=None)
    wrapped = wrapping_key.encrypt(aes_key, oaep) + keywrap.aes_key_wrap_with_padding(aes_key, material)
    kms.import_key_material(
        KeyId=key_id,
        ImportToken=params["ImportToken"],
        EncryptedKeyMaterial=wrapped,
        ExpirationModel="KEY_MATERIAL_DOES_NOT_EXPIRE",
    )


def create_kms_key(kms: Any, alias: str, given: Mapping[str, str] | None) -> str:
    """A new key for `alias`: with the given id and material, or generated by KMS."""
    key_spec, usage, description = KMS_KEYS[alias]
    if not given:
        created = kms.create_key(KeySpec=key_spec, KeyUsage=usage, Description=description)
        return str(created["KeyMetadata"]["KeyId"])
    key_id = given["key_id"]
    try:  # the key survives when only its alias went missing
        state = kms.describe_key(KeyId=key_id)["KeyMetadata"]["KeyState"]
    except ClientError as exc:
        if error_code(exc) != "NotFoundException":
            raise
        state = None
    if state is None:
        kms.create_key(KeySpec=key_spec, KeyUsage=usage, Description=description, Origin="EXTERNAL",
                       Tags=[{"TagKey": CUSTOM_ID_TAG, "TagValue": key_id}])
        # LocalStack keeps the tag; a key rotated in with this key's tags (rotate_keys) would take its id.
        kms.untag_resource(KeyId=key_id, TagKeys=[CUSTOM_ID_TAG])
        state = "PendingImport"
    if state == "PendingImport":
        import_key_material(kms, key_id, base64.b64decode(given["material"]))
    return key_id


def ensure_kms_key(kms: Any, alias: str, given: Mapping[str, str] | None) -> None:
    target = alias_target(kms, alias)
    if target is not None:
        log("kms key", alias, f"exists ({target}, kept)")
        return
    key_id = create_kms_key(kms, alias, given)
    try:
        kms.create_alias(AliasName=alias, TargetKeyId=key_id)
    except ClientError as exc:  # another `up` running at the same moment created it first
        if error_code(exc) != "AlreadyExistsException":
            raise
        log("kms key", alias, "exists (created concurrently)")
        return
    origin = "imported key material" if given else "generated"
    log("kms key", alias, f"created ({key_id}, {origin})")


def ensure_kms_keys(kms: Any, env: Mapping[str, str]) -> None:
    given = load_secrets_doc(env).get("kms_keys") or {}
    for alias in KMS_KEYS:
        ensure_kms_key(kms, alias, given.get(alias))


# --- entry points ------------------------------------------------------------------


def run(clients: Clients, env: Mapping[str, str], region: str) -> None:
    ensure_spa_bucket(clients["s3"], region)
    ensure_statements_bucket(clients["s3"], region)
    ensure_ses_identities(clients["ses"])
    for name in queue_names(env):
        ensure_queue(clients["sqs"], name)
    for name, value in ssm_parameters(env).items():
        ensure_parameter(clients["ssm"], name, value)
    ensure_secrets(clients["secretsmanager"], env)
    ensure_kms_keys(clients["kms"], env)


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
