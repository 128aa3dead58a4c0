"""Which services each service calls, as it declares them (`CALLS`), and where its code creates clients.

Every service that calls others declares them once, in a module-level `CALLS: tuple[str, ...]` next to its
clients; the template grants each function `lambda:InvokeFunction` on exactly those functions. This module
reads the declarations and every `ServiceClient("<service>", ...)` from the source (nothing is imported),
so a unit test can prove the two agree. `python -m bank_shared.tools.calls` prints the map as JSON.
"""

from __future__ import annotations

import ast
import json
import sys
from dataclasses import dataclass
from pathlib import Path

from bank_shared.tools.openapi import REPO_ROOT
from bank_shared.tools.registry import service_names

DYNAMIC = "<not a string literal>"


@dataclass(frozen=True)
class ClientSite:
    target: str
    path: Path
    line: int


def package_dir(service: str) -> Path:
    return REPO_ROOT / "functions" / service / f"{service}_service"


def _modules(service: str) -> list[Path]:
    return sorted(package_dir(service).rglob("*.py"))


def _tree(path: Path) -> ast.Module:
    return ast.parse(path.read_text(encoding="utf-8"), filename=str(path))


def _declared_in(tree: ast.Module) -> tuple[str, ...] | None:
    for node in tree.body:
        target, value = None, None
        if isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            target, value = node.target.id, node.value
        elif isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            target, value = node.targets[0].id, node.value
        if target == "CALLS" and value is not None:
            found = ast.literal_eval(value)
            if not isinstance(found, tuple) or not all(isinstance(item, str) for item in found):
                raise ValueError("CALLS must be a tuple of service names")
            return found
    return None


def declared_calls(service: str) -> tuple[str, ...]:
    """The service's `CALLS` (empty when it calls nobody); two declarations are an error."""
    found = [(path, calls) for path in _modules(service) if (calls := _declared_in(_tree(path))) is not None]
    if len(found) > 1:
        raise ValueError(f"{service} declares CALLS more than once: {[str(path) for path, _ in found]}")
    return found[0][1] if found else ()


def client_sites(service: str) -> list[ClientSite]:
    """Every `ServiceClient(...)` the service's code creates, with the target it names."""
    sites = []
    for path in _modules(service):
        for node in ast.walk(_tree(path)):
            if isinstance(node, ast.Call) and _is_service_client(node.func):
                first = node.args[0] if node.args else None
                target = first.value if isinstance(first, ast.Constant) and isinstance(first.value, str) else DYNAMIC
                sites.append(ClientSite(target, path, node.lineno))
    return sites


def _is_service_client(func: ast.expr) -> bool:
    return (isinstance(func, ast.Name) and func.id == "ServiceClient") or \
        (isinstance(func, ast.Attribute) and func.attr == "ServiceClient")


def calls_map() -> dict[str, list[str]]:
    return {service: sorted(declared_calls(service)) for service in service_names()}


def main() -> int:
    print(json.dumps(calls_map(), indent=2, sort_keys=True))
    return 0


if __name__ == "__main__":
    sys.exit(main())
