"""The bank's FX spread in basis points: from SSM Parameter Store (`/bank/<stage>/fx/spread_bps`) when
configured, else the FX_SPREAD_BPS setting. Read lazily and cached for a few minutes per environment."""

from __future__ import annotations

import threading
import time

from bank_shared.aws import client
from bank_shared.observability import logger
from bank_shared.snapstart import reset_on_restore
from fx_service.pricing import MAX_SPREAD_BPS
from fx_service.settings import get_fx_settings

_lock = threading.Lock()
_cached: tuple[int, float] | None = None


def _from_ssm(name: str) -> int:
    value = client("ssm").get_parameter(Name=name)["Parameter"]["Value"]
    bps = int(str(value).strip())
    if not 0 <= bps <= MAX_SPREAD_BPS:
        raise ValueError(f"{name} = {bps} is outside 0..{MAX_SPREAD_BPS}")
    return bps


def spread_bps() -> int:
    """The configured spread; an unreadable parameter falls back to the last value read, then the setting."""
    global _cached
    settings = get_fx_settings()
    if not settings.fx_spread_parameter:
        return settings.fx_spread_bps
    with _lock:
        if _cached is not None and _cached[1] > time.monotonic():
            return _cached[0]
        try:
            bps = _from_ssm(settings.fx_spread_parameter)
        except Exception as error:  # noqa: BLE001 - SSM down or a bad value: keep quoting with a known spread
            logger.warning("fx spread parameter unreadable", extra={"error": type(error).__name__})
            bps = _cached[0] if _cached is not None else settings.fx_spread_bps
        _cached = (bps, time.monotonic() + settings.fx_spread_refresh_seconds)
        return bps


@reset_on_restore
def forget_spread() -> None:
    global _cached
    _cached = None
