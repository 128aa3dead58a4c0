"""Writes or checks `api_spec/<service>.openapi.json` from the services' FastAPI apps.

`python -m bank_shared.tools.openapi write` regenerates the files (`make openapi`); `check` exits 1 and
names the services whose committed spec drifted from the code.
"""

from __future__ import annotations

import importlib
import json
import sys
from pathlib import Path
from typing import Any

from bank_shared.api_docs import CODES_KEY
from bank_shared.tools.registry import service_names

REPO_ROOT = Path(__file__).resolve().parents[3]
SPEC_DIR = REPO_ROOT / "api_spec"


def spec_path(service: str) -> Path:
    return SPEC_DIR / f"{service}.openapi.json"


# Services that hand another service's refusal to their caller unchanged (bank_shared.http.relay, or a
# stored idempotent answer): their documents list the relayed services' problem codes too.
RELAYS: dict[str, tuple[str, ...]] = {
    "customer": ("ledger", "fx", "utilities"),
    "office": ("ledger", "accounts", "auth"),
    "fx": ("ledger",),
    "utilities": ("ledger",),
}


def _codes(spec: dict[str, Any]) -> list[str]:
    codes: list[str] = spec["components"]["schemas"]["Problem"].get(CODES_KEY, [])
    return codes


def generate(service: str) -> dict[str, Any]:
    function_dir = str(REPO_ROOT / "functions" / service)
    if function_dir not in sys.path:
        sys.path.insert(0, function_dir)
    module = importlib.import_module(f"{service}_service.api")
    spec: dict[str, Any] = json.loads(json.dumps(module.app.openapi()))
    codes = set(_codes(spec))
    for relayed in RELAYS.get(service, ()):
        codes.update(_codes(generate(relayed)))
    spec["components"]["schemas"]["Problem"][CODES_KEY] = sorted(codes)
    return spec


def render(spec: dict[str, Any]) -> str:
    return json.dumps(spec, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def drifted() -> list[str]:
    return [s for s in service_names() if not spec_path(s).exists() or spec_path(s).read_text() != render(generate(s))]


def main(argv: list[str]) -> int:
    command = argv[0] if argv else "check"
    if command == "write":
        SPEC_DIR.mkdir(exist_ok=True)
        for service in service_names():
            spec_path(service).write_text(render(generate(service)))
            print(f"wrote {spec_path(service).relative_to(REPO_ROOT)}")
        return 0
    stale = drifted()
    for service in stale:
        print(f"{spec_path(service).relative_to(REPO_ROOT)} differs from the code: run `make openapi`")
    return 1 if stale else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
