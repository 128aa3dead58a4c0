"""The Splunk sink function (AWS): an MSK event source on `logs.app` → Splunk HEC (bank_shared.splunk_hec).
The HEC token is read from Secrets Manager (SPLUNK_HEC_TOKEN_SECRET_ARN) once per execution environment."""

from __future__ import annotations

import os
from functools import cache
from typing import Any

import httpx

from bank_shared.splunk_hec import hec_body, post_batch


@cache
def _token() -> str:
    import boto3

    secret = boto3.client("secretsmanager").get_secret_value(SecretId=os.environ["SPLUNK_HEC_TOKEN_SECRET_ARN"])
    return str(secret["SecretString"]).strip()


@cache
def _client() -> httpx.Client:
    return httpx.Client(timeout=httpx.Timeout(10.0, connect=3.0))


def lambda_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    body = hec_body(event)
    post_batch(os.environ["SPLUNK_HEC_URL"], _token(), body, _client())
    return {"sent_bytes": len(body)}
