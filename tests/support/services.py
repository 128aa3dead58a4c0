"""The bank's services for the tests, from the one registry (`functions/services.toml`)."""

from __future__ import annotations

from bank_shared.tools.registry import service_names

SERVICES: tuple[str, ...] = service_names()
