"""What a deployed function's environment wires for every service (settings refuse loopback in AWS), so a
unit test of one production rule sets only the values it is about."""

from __future__ import annotations


def prod_wiring(service: str = "ledger", stage: str = "prod") -> dict[str, str]:
    return {
        "app_env": stage,
        "db_secret_id": f"bank/{stage}/db/{service}",
        "kafka_security": "msk_iam",
        "kafka_bootstrap_servers": f"b-1.bank-{stage}-events.abc123.c2.kafka-serverless.eu-central-1"
                                   ".amazonaws.com:9098",
        "redis_url": f"rediss://bank-{stage}-cache-x1y2z3.serverless.euc1.cache.amazonaws.com:6379/0",
        "jwt_issuer": "https://bank.example/api/auth",
        "service_function_prefix": f"bank-{stage}-",
    }
