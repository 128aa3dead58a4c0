"""The list of the bank's services for the code tools (OpenAPI, calls, the migrations command): read from
`functions/services.toml`, the one registry, so that no module of the shared layer names the services."""

from __future__ import annotations

import tomllib
from pathlib import Path

REGISTRY = Path(__file__).resolve().parents[3] / "functions" / "services.toml"


def service_names() -> tuple[str, ...]:
    with REGISTRY.open("rb") as registry:
        return tuple(tomllib.load(registry)["services"])
