"""HTTP API route selection (most specific route wins, as API Gateway documents)."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import unquote

from .template import HttpRoute

LITERAL, PARAM = 2, 1


@dataclass(frozen=True)
class RouteMatch:
    route: HttpRoute
    path_parameters: dict[str, str]


@dataclass(frozen=True)
class _Compiled:
    route: HttpRoute
    segments: tuple[str, ...]
    greedy: str | None  # name of the trailing {name+} variable

    def match(self, parts: list[str]) -> dict[str, str] | None:
        fixed = self.segments
        if self.greedy is None and len(parts) != len(fixed):
            return None
        if self.greedy is not None and len(parts) <= len(fixed):
            return None  # a greedy variable needs at least one segment
        params: dict[str, str] = {}
        for pattern, actual in zip(fixed, parts, strict=False):
            if _is_param(pattern):
                if actual == "":
                    return None
                params[pattern[1:-1]] = unquote(actual)
            elif pattern != actual:
                return None
        if self.greedy is not None:
            params[self.greedy] = unquote("/".join(parts[len(fixed):]))
        return params

    def rank(self) -> tuple[int, int, tuple[int, ...], int]:
        """Smaller sorts first: non-greedy, then longest greedy prefix, literals before
        {params} segment by segment, then a specific method before ANY."""
        kinds = tuple(-(PARAM if _is_param(s) else LITERAL) for s in self.segments)
        prefix = -len(self.segments) if self.greedy else 0
        return (1 if self.greedy else 0, prefix, kinds, 1 if self.route.method == "ANY" else 0)


def _is_param(segment: str) -> bool:
    return segment.startswith("{") and segment.endswith("}")


def _split(path: str) -> list[str]:
    return path.strip("/").split("/") if path.strip("/") else []


def _compile(route: HttpRoute) -> _Compiled:
    segments = _split(route.path)
    greedy = None
    if segments and segments[-1].startswith("{") and segments[-1].endswith("+}"):
        greedy = segments.pop()[1:-2]
    return _Compiled(route, tuple(segments), greedy)


class Router:
    def __init__(self, routes: list[HttpRoute]) -> None:
        compiled = [_compile(r) for r in routes if r.path != "$default"]
        self._routes = sorted(compiled, key=_Compiled.rank)
        self._default = next((r for r in routes if r.path == "$default"), None)

    def match(self, method: str, path: str) -> RouteMatch | None:
        parts = _split(path)
        method = method.upper()
        for candidate in self._routes:
            if candidate.route.method not in (method, "ANY"):
                continue
            params = candidate.match(parts)
            if params is not None:
                return RouteMatch(candidate.route, params)
        if self._default is not None:
            return RouteMatch(self._default, {})
        return None

    def has_path(self, path: str) -> bool:
        """True when some route (any method) serves this path: used to pick API vs SPA."""
        parts = _split(path)
        return any(c.match(parts) is not None for c in self._routes)
