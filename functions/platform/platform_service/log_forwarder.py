"""The log-forwarder function: a CloudWatch Logs subscription filter on every function's log group invokes it
with the gzip+base64 payload; it produces each log record to `logs.app` (bank_shared.log_forwarding, the same
code the local gateway uses). A failed delivery fails the invocation, so CloudWatch Logs retries it."""

from __future__ import annotations

from typing import Any

from bank_shared.events.kafka import get_producer
from bank_shared.log_forwarding import LogBatcher, decode_cloudwatch_logs


def lambda_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    group, records = decode_cloudwatch_logs(event)
    batcher = LogBatcher(get_producer())
    batcher.add_all(records)
    batcher.flush()
    return {"log_group": group, "forwarded": len(records)}
