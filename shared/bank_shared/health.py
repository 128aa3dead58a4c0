"""`GET /api/<service>/health`: checks the service's database, Redis and Kafka through the real path."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any, Literal

from fastapi import APIRouter
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict

from bank_shared.db import get_connection
from bank_shared.events.kafka import check_kafka
from bank_shared.redis_client import get_redis

Check = Callable[[], dict[str, Any] | None]


class CheckResult(BaseModel):
    model_config = ConfigDict(extra="allow")  # each check adds its own details (database version, ping, ...)

    status: Literal["ok", "error"]
    latency_ms: float
    error: str | None = None


class Health(BaseModel):
    service: str
    status: Literal["ok", "degraded"]
    checks: dict[str, CheckResult]


def check_database() -> dict[str, Any]:
    row = get_connection().execute("SELECT current_database() AS db, version() AS version").fetchone()
    assert row is not None
    return {"database": row["db"], "version": str(row["version"]).split(",")[0]}


def check_redis() -> dict[str, Any]:
    return {"ping": bool(get_redis().ping())}


DEFAULT_CHECKS: dict[str, Check] = {"database": check_database, "redis": check_redis, "kafka": check_kafka}


def run_checks(checks: dict[str, Check]) -> tuple[bool, dict[str, Any]]:
    results: dict[str, Any] = {}
    healthy = True
    for name, check in checks.items():
        started = time.perf_counter()
        try:
            details = check() or {}
            results[name] = {"status": "ok", **details}
        except Exception as error:  # noqa: BLE001 - a health check reports failures, it does not raise
            healthy = False
            results[name] = {"status": "error", "error": f"{type(error).__name__}: {error}"[:300]}
        results[name]["latency_ms"] = round((time.perf_counter() - started) * 1000, 1)
    return healthy, results


def health_router(service: str, checks: dict[str, Check] | None = None) -> APIRouter:
    router = APIRouter(tags=["health"])
    active_checks = checks if checks is not None else DEFAULT_CHECKS

    @router.get(f"/api/{service}/health", operation_id=f"{service}_health", summary="Dependency health",
                response_model=Health)
    def health() -> JSONResponse:
        healthy, results = run_checks(active_checks)
        body = {"service": service, "status": "ok" if healthy else "degraded", "checks": results}
        return JSONResponse(body, status_code=200 if healthy else 503)

    return router
