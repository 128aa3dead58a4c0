"""What a failed rehearsal round leaves behind in LocalStack, removed before the next round (`make rehearse-deploy`,
localstack/rehearsectl.py): LocalStack does not delete every resource of a failed stack."""

from __future__ import annotations

from typing import Any


def clean_leftovers(session: Any, endpoint: str, stage: str) -> None:
    """LocalStack does not delete every resource of a failed stack: remove the named ones before the next round."""
    for service, clean in (("secretsmanager", _clean_secrets), ("logs", _clean_log_groups), ("ssm", _clean_parameters),
                           ("s3", _clean_buckets), ("sqs", _clean_queues), ("kms", _clean_aliases)):
        clean(session.client(service), stage)


def _clean_secrets(secrets: Any, stage: str) -> None:
    """The stage's secrets."""
    for page in secrets.get_paginator("list_secrets").paginate():
        for secret in page["SecretList"]:
            if secret["Name"].startswith(f"bank/{stage}/"):
                secrets.delete_secret(SecretId=secret["ARN"], ForceDeleteWithoutRecovery=True)


def _clean_log_groups(logs: Any, stage: str) -> None:
    """The stage's function and API log groups."""
    for prefix in (f"/aws/lambda/bank-{stage}-", f"/aws/apigateway/bank-{stage}-"):
        for group in logs.describe_log_groups(logGroupNamePrefix=prefix).get("logGroups", []):
            logs.delete_log_group(logGroupName=group["logGroupName"])


def _clean_parameters(ssm: Any, stage: str) -> None:
    """The stage's parameters."""
    names = [p["Name"] for p in ssm.describe_parameters().get("Parameters", [])
             if p["Name"].startswith(f"/bank/{stage}/")]
    if names:
        ssm.delete_parameters(Names=names)


def _clean_buckets(s3: Any, stage: str) -> None:
    """The stage's buckets with every object version."""
    for bucket in s3.list_buckets().get("Buckets", []):
        if bucket["Name"].startswith(f"bank-{stage}-"):
            for version in s3.list_object_versions(Bucket=bucket["Name"]).get("Versions", []):
                s3.delete_object(Bucket=bucket["Name"], Key=version["Key"], VersionId=version["VersionId"])
            s3.delete_bucket(Bucket=bucket["Name"])


def _clean_queues(sqs: Any, stage: str) -> None:
    """The stage's queues."""
    for url in sqs.list_queues(QueueNamePrefix=f"bank-{stage}-").get("QueueUrls", []):
        sqs.delete_queue(QueueUrl=url)


def _clean_aliases(kms: Any, stage: str) -> None:
    """The stage's key aliases."""
    for alias in kms.list_aliases().get("Aliases", []):
        if alias["AliasName"].startswith(f"alias/bank-{stage}-"):
            kms.delete_alias(AliasName=alias["AliasName"])
