"""Schedule / ScheduleV2 events: ``rate()`` expressions fire on an interval; ``cron()`` is skipped."""

from __future__ import annotations

import asyncio
import json
import logging
import re
from collections.abc import Awaitable, Callable
from typing import Any

from .events import build_scheduled_event
from .template import ScheduleSpec

log = logging.getLogger("local_gateway.schedules")

_RATE = re.compile(r"^rate\(\s*(\d+)\s+(minute|minutes|hour|hours|day|days)\s*\)$", re.IGNORECASE)
_UNIT_SECONDS = {"minute": 60, "hour": 3600, "day": 86400}

InvokeAsync = Callable[[str, dict[str, Any]], Awaitable[Any]]


def rate_seconds(expression: str) -> int | None:
    """Seconds between runs for ``rate(N unit)``; None for anything else (cron, at)."""
    match = _RATE.match(expression.strip())
    if not match:
        return None
    value, unit = int(match.group(1)), match.group(2).lower().rstrip("s")
    return value * _UNIT_SECONDS[unit] if value > 0 else None


def schedule_event(spec: ScheduleSpec, region: str) -> dict[str, Any]:
    """The event the target receives: the configured Input, else the scheduled-event shape."""
    if spec.input:
        try:
            event: dict[str, Any] = json.loads(spec.input)
            return event
        except ValueError:
            log.warning("%s.%s: Input is not JSON; sending the default event", spec.function_id, spec.event_name)
    return build_scheduled_event(spec.function_id, spec.event_name, region, spec.kind)


class Scheduler:
    def __init__(self, schedules: list[ScheduleSpec], invoke: InvokeAsync, region: str) -> None:
        self.schedules = schedules
        self._invoke = invoke
        self.region = region
        self._tasks: list[asyncio.Task[None]] = []

    def start(self) -> None:
        for spec in self.schedules:
            interval = rate_seconds(spec.expression)
            if not spec.enabled:
                log.info("%s.%s: schedule disabled", spec.function_id, spec.event_name)
            elif interval is None:
                log.warning("%s.%s: %s is not supported locally (only rate()); skipped",
                            spec.function_id, spec.event_name, spec.expression)
            else:
                log.info("%s.%s: every %d s (%s)", spec.function_id, spec.event_name, interval, spec.expression)
                self._tasks.append(asyncio.create_task(self._loop(spec, interval)))

    async def _loop(self, spec: ScheduleSpec, interval: int) -> None:
        while True:
            await asyncio.sleep(interval)
            try:
                await self.run_now(spec)
            except Exception:
                log.exception("%s.%s: scheduled run failed", spec.function_id, spec.event_name)

    async def run_now(self, spec: ScheduleSpec) -> Any:
        return await self._invoke(spec.function_id, schedule_event(spec, self.region))

    def for_function(self, function_id: str) -> ScheduleSpec | None:
        return next((s for s in self.schedules if s.function_id == function_id), None)

    async def stop(self) -> None:
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
