"""The time a scheduled invocation runs "as of", for tasks that act on calendar dates (standing orders, ...).

EventBridge puts the scheduled time in the event's `time`. In AWS that is the clock (a task never runs ahead
of it: a `time` later than now is ignored). In the local and test environments a later `time` is honoured, so
an end-to-end test can invoke the function's schedule "on" a future date through the same path the schedule
takes (docs/products.md).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import Any

from bank_shared.settings import get_settings

_as_of: ContextVar[datetime | None] = ContextVar("schedule_as_of", default=None)


def _event_time(event: dict[str, Any]) -> datetime | None:
    raw = event.get("time")
    if not isinstance(raw, str):
        return None
    try:
        parsed = datetime.fromisoformat(raw.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def as_of_event(event: dict[str, Any], now: datetime | None = None) -> datetime:
    """The moment a scheduled event stands for: its `time`, never later than now outside local/test."""
    current = now or datetime.now(UTC)
    when = _event_time(event) or current
    if when > current and not get_settings().is_local:
        return current
    return when


@contextmanager
def scheduled_at(event: dict[str, Any]) -> Iterator[datetime]:
    """Within the block, `now()` is the event's moment."""
    token = _as_of.set(as_of_event(event))
    try:
        yield now()
    finally:
        _as_of.reset(token)


def now() -> datetime:
    """The scheduled moment inside `scheduled_at`, else the clock."""
    return _as_of.get() or datetime.now(UTC)
