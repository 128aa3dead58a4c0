"""`make deploy STAGE=dev|prod`: the whole deploy of a stage, in order, with one line of progress per step.

    1 credentials   AWS credentials are found and valid (else it stops here, before anything is built)
    2 build         `sam build` from the locks for arm64 (localstack/buildctl.py)
    3 origin        the public origin: https://<DomainName>, else the distribution's own name (a first deploy
                    of a new stack creates the distribution, then deploys again with its name as JWT issuer)
    4 deploy        `sam deploy --config-env <stage>` with samconfig's parameters plus the origin's JwtIssuer
                    and SpaOrigin; each service's migrations run inside it (custom resources, docs/migrations.md)
    5 spa build     `npm run build` of frontend/ (static export; the SPA calls /api/* on its own origin)
    6 spa upload    frontend/out to the SPA bucket: hashed assets immutable for a year, everything else
                    revalidated on every request; files gone from the build are removed (old hashed assets stay
                    for pages still open in browsers)
    7 invalidate    a CloudFront invalidation of /* (waited for)
    8 smoke         over the public origin: the nine services' health, the JWKS, the SPA with its CSP

Runs with the project venv (boto3) and the SAM CLI venv. Options: --skip-build (reuse .aws-sam/build),
--skip-spa (API only). docs/aws.md "make deploy".
"""

from __future__ import annotations

import argparse
import json
import os
import shlex
import subprocess
import sys
import time
import tomllib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
from stackctl_common import LOCAL, REPO, SERVICES, StackError

from local_gateway.static import IMMUTABLE, REVALIDATE, content_type_for, security_headers

STAGES = ("dev", "prod")
SAMCONFIG = REPO / "samconfig.toml"
FRONTEND = REPO / "frontend"
SPA_OUT = FRONTEND / "out"
SAM = LOCAL / "venv-sam" / "bin" / "sam"
HASHED_PREFIX = "_next/static/"
STEPS = 8

NO_CREDENTIALS = (
    "no AWS credentials: nothing was built or deployed.\n"
    "  Sign in first, e.g. `aws sso login --profile <profile>` and `export AWS_PROFILE=<profile>`, or set\n"
    "  AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY (CI assumes its role through OIDC). README 'Deploy to AWS'."
)


class DeployError(StackError):
    """A step failed; the message says which and why."""


@dataclass
class Settings:
    stage: str
    stack_name: str
    region: str
    parameters: dict[str, str]
    skip_build: bool = False
    skip_spa: bool = False
    outputs: dict[str, str] = field(default_factory=dict)


def say(step: int, name: str, text: str) -> None:
    print(f"[{step}/{STEPS}] {name:<11} {text}", flush=True)


def stage_settings(stage: str, config_file: Path = SAMCONFIG) -> Settings:
    """samconfig.toml's deploy section of the stage: stack name, region and parameter overrides."""
    if stage not in STAGES:
        raise DeployError(f"STAGE must be one of {', '.join(STAGES)} (got {stage!r})")
    config = tomllib.loads(config_file.read_text())
    deploy = config[stage]["deploy"]["parameters"]
    overrides = deploy.get("parameter_overrides", "")
    words = shlex.split(overrides) if isinstance(overrides, str) else list(overrides)
    parameters = dict(word.split("=", 1) for word in words)
    return Settings(stage, config[stage]["global"]["parameters"]["stack_name"], deploy["region"], parameters)


def check_credentials(session: Any) -> str:
    """The caller's ARN, or DeployError before anything else happens."""
    if session.get_credentials() is None:
        raise DeployError(NO_CREDENTIALS)
    try:
        identity = session.client("sts").get_caller_identity()
    except Exception as exc:  # botocore raises many kinds here (expired token, no network, bad keys)
        raise DeployError(f"AWS credentials were found but do not work ({exc}); nothing was built or deployed. "
                          "Renew them (e.g. `aws sso login`) and run `make deploy` again.") from exc
    return str(identity["Arn"])


def stack_outputs(session: Any, settings: Settings) -> dict[str, str]:
    """Outputs of the stage's stack; empty when it does not exist yet."""
    cloudformation = session.client("cloudformation", region_name=settings.region)
    try:
        stacks = cloudformation.describe_stacks(StackName=settings.stack_name)["Stacks"]
    except cloudformation.exceptions.ClientError as exc:
        if "does not exist" in str(exc):
            return {}
        raise
    return {o["OutputKey"]: o["OutputValue"] for o in stacks[0].get("Outputs", [])}


def public_origin(settings: Settings, outputs: dict[str, str]) -> str | None:
    """https://<DomainName>, else the distribution's name once the stack has one (None before)."""
    domain = settings.parameters.get("DomainName", "")
    if domain:
        return f"https://{domain}"
    name = outputs.get("DistributionDomainName")
    return f"https://{name}" if name else None


def origin_parameters(origin: str) -> dict[str, str]:
    """The values that follow the public origin (the authorizer and auth's discovery document agree)."""
    return {"JwtIssuer": f"{origin}/api/auth", "SpaOrigin": origin}


def run(cmd: list[str], *, cwd: Path = REPO, env: dict[str, str] | None = None) -> None:
    code = subprocess.run(cmd, cwd=cwd, env=env, check=False).returncode
    if code != 0:
        raise DeployError(f"`{' '.join(cmd[:3])} …` failed (exit {code}); its output is above")


def sam_deploy(settings: Settings, parameters: dict[str, str]) -> None:
    # --parameter-overrides replaces samconfig's list, so the stage's own values go in with the origin's.
    env = dict(os.environ, SAM_CLI_TELEMETRY="0")
    cmd = [str(SAM), "deploy", "--config-file", str(SAMCONFIG), "--config-env", settings.stage,
           "--template-file", str(REPO / ".aws-sam" / "build" / "template.yaml"),
           "--parameter-overrides", sam_overrides(parameters), "--no-fail-on-empty-changeset"]
    if not sys.stdin.isatty():  # CI: the `prod` environment's approval is the confirmation, nobody can type "y"
        cmd.append("--no-confirm-changeset")
    run(cmd, env=env)


def sam_overrides(parameters: dict[str, str]) -> str:
    """SAM CLI's `Key="value"` list: every value double-quoted (empty ones and JSON included)."""
    def quoted(value: str) -> str:
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    return " ".join(f"{key}={quoted(value)}" for key, value in parameters.items())


def spa_files(root: Path) -> Iterator[tuple[str, Path]]:
    for path in sorted(root.rglob("*")):
        if path.is_file():
            yield path.relative_to(root).as_posix(), path


def cache_control(key: str) -> str:
    """Content-hashed build assets never change; every other file (HTML, RSC payloads) is revalidated."""
    return IMMUTABLE if key.startswith(HASHED_PREFIX) else REVALIDATE


def upload_spa(s3: Any, bucket: str, root: Path) -> tuple[int, int]:
    """Upload root to the bucket (hashed assets first, so no page names a missing file); (uploaded, deleted)."""
    files = dict(spa_files(root))
    order = sorted(files, key=lambda key: (not key.startswith(HASHED_PREFIX), key))
    for key in order:
        s3.upload_file(str(files[key]), bucket, key, ExtraArgs={
            "ContentType": content_type_for(files[key]), "CacheControl": cache_control(key)})
    stale = []
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket):
        stale += [o["Key"] for o in page.get("Contents", [])
                  if o["Key"] not in files and not o["Key"].startswith(HASHED_PREFIX)]
    for start in range(0, len(stale), 1000):
        s3.delete_objects(Bucket=bucket, Delete={"Objects": [{"Key": k} for k in stale[start:start + 1000]]})
    return len(order), len(stale)


def invalidate(cloudfront: Any, distribution_id: str) -> str:
    reference = f"deploy-{int(time.time())}"
    created = cloudfront.create_invalidation(DistributionId=distribution_id, InvalidationBatch={
        "Paths": {"Quantity": 1, "Items": ["/*"]}, "CallerReference": reference})
    invalidation_id = str(created["Invalidation"]["Id"])
    cloudfront.get_waiter("invalidation_completed").wait(DistributionId=distribution_id, Id=invalidation_id)
    return invalidation_id


Fetch = Callable[[str], tuple[int, dict[str, str], bytes]]


def http_get(url: str) -> tuple[int, dict[str, str], bytes]:
    try:
        response = httpx.get(url, timeout=20, headers={"user-agent": "bank-deploy-smoke"})
    except httpx.HTTPError as exc:
        return 0, {}, str(exc).encode()
    return response.status_code, {k.lower(): v for k, v in response.headers.items()}, response.content


def smoke(origin: str, fetch: Fetch = http_get, *, spa: bool = True) -> list[str]:
    """What is wrong with the deployed stage, as seen from the internet (empty: healthy)."""
    problems = []
    for service in SERVICES:
        status, _, body = fetch(f"{origin}/api/{service}/health")
        if status != 200:
            problems.append(f"/api/{service}/health: {status} {body[:200]!r}")
    status, _, body = fetch(f"{origin}/api/auth/.well-known/jwks.json")
    try:
        keys = json.loads(body).get("keys") if status == 200 else None
    except ValueError:
        keys = None
    if not keys:
        problems.append(f"/api/auth/.well-known/jwks.json: {status}, no keys")
    if spa:
        status, headers, body = fetch(f"{origin}/")
        if status != 200 or b"<html" not in body.lower():
            problems.append(f"the SPA at /: {status}")
        for name, value in security_headers().items():
            if headers.get(name.lower()) != value:
                problems.append(f"the SPA at /: header {name} is {headers.get(name.lower())!r}")
    return problems


def deploy(settings: Settings, session: Any) -> str:
    say(1, "credentials", "checking")
    caller = check_credentials(session)
    say(1, "credentials", f"ok: {caller}, stack {settings.stack_name} in {settings.region}")

    if settings.skip_build:
        say(2, "build", "skipped (--skip-build): .aws-sam/build as it is")
    else:
        say(2, "build", "sam build for arm64 from the locks")
        run([sys.executable, str(REPO / "localstack" / "buildctl.py"), "--config-env", settings.stage])

    outputs = stack_outputs(session, settings)
    origin = public_origin(settings, outputs)
    say(3, "origin", origin or "a new stack: its distribution's name is known after the first deploy")

    parameters = dict(settings.parameters)
    if origin:
        parameters.update(origin_parameters(origin))
    say(4, "deploy", f"sam deploy --config-env {settings.stage}")
    sam_deploy(settings, parameters)
    outputs = stack_outputs(session, settings)
    if origin is None:
        origin = public_origin(settings, outputs)
        if origin is None:
            raise DeployError("the stack has no DistributionDomainName output after the deploy")
        say(4, "deploy", f"again with the issuer of {origin}")
        parameters.update(origin_parameters(origin))
        sam_deploy(settings, parameters)
    say(4, "deploy", "done (migrations ran inside the deploy)")

    if settings.skip_spa:
        say(5, "spa build", "skipped (--skip-spa)")
        say(6, "spa upload", "skipped")
        say(7, "invalidate", "skipped")
    else:
        say(5, "spa build", "npm run build (static export into frontend/out)")
        run(["npm", "ci", "--no-audit", "--no-fund"], cwd=FRONTEND)
        run(["npm", "run", "build"], cwd=FRONTEND, env=dict(os.environ, NEXT_TELEMETRY_DISABLED="1"))
        bucket = outputs["SpaBucketName"]
        uploaded, deleted = upload_spa(session.client("s3", region_name=settings.region), bucket, SPA_OUT)
        say(6, "spa upload", f"{uploaded} files to s3://{bucket}, {deleted} stale removed")
        say(7, "invalidate", f"/* on {outputs['DistributionId']} (waiting)")
        invalidation = invalidate(session.client("cloudfront"), outputs["DistributionId"])
        say(7, "invalidate", f"done ({invalidation})")

    say(8, "smoke", f"{origin}: nine health routes, JWKS" + ("" if settings.skip_spa else ", the SPA"))
    problems = smoke(origin, spa=not settings.skip_spa)
    if problems:
        raise DeployError("the smoke check failed:\n  " + "\n  ".join(problems))
    say(8, "smoke", "ok")
    return origin


def main(argv: list[str] | None = None, session_factory: Callable[[], Any] | None = None) -> int:
    parser = argparse.ArgumentParser(description="deploy a stage to AWS (README 'Deploy to AWS')")
    parser.add_argument("--stage", required=True, help="dev or prod (samconfig.toml environments)")
    parser.add_argument("--skip-build", action="store_true")
    parser.add_argument("--skip-spa", action="store_true")
    args = parser.parse_args(argv)
    try:
        settings = stage_settings(args.stage)
        settings.skip_build, settings.skip_spa = args.skip_build, args.skip_spa
        if session_factory is None:
            import boto3

            session_factory = boto3.Session
        origin = deploy(settings, session_factory())
    except StackError as exc:
        print(f"make deploy: {exc}", file=sys.stderr)
        return 1
    print(f"make deploy: {args.stage} is live at {origin}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
