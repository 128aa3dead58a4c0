"""The cold-start yardstick: a bare FastAPI + Mangum + Powertools (Logger, Tracer, Metrics) handler.

`make bench-coldstart` imports it in the same run as every function's handler and reports each function
as a multiple of this. Keep it bare: one route, stock Powertools objects, nothing of the bank.
"""

from typing import Any

from aws_lambda_powertools import Logger, Metrics, Tracer
from fastapi import FastAPI
from mangum import Mangum

logger = Logger()
tracer = Tracer()
metrics = Metrics()

app = FastAPI(title="baseline")


@app.get("/api/baseline/health")
def health() -> dict[str, str]:
    return {"status": "ok"}


asgi = Mangum(app, lifespan="off")


@logger.inject_lambda_context(clear_state=True)
@tracer.capture_lambda_handler(capture_response=False)
@metrics.log_metrics
def lambda_handler(event: dict[str, Any], context: Any) -> Any:
    return asgi(event, context)
