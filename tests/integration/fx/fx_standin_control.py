"""Control of the Frankfurter stand-in's fault modes (its `/__control` endpoint) for fx tests."""

from __future__ import annotations

import httpx


class StandIn:
    """The stand-in's `/__control` endpoint."""

    def __init__(self, base_url: str) -> None:
        self.base_url = base_url.rstrip("/")

    def mode(self, mode: str, **extra: object) -> None:
        response = httpx.post(f"{self.base_url}/__control", json={"mode": mode, **extra}, timeout=5)
        response.raise_for_status()

    def latest_day(self) -> str:
        return str(httpx.get(f"{self.base_url}/health", timeout=5).json()["latest"])
