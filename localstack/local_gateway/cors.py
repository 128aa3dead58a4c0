"""CORS as HTTP API applies it when ``CorsConfiguration`` is set.

API Gateway answers preflight requests itself (no authorizer, no function) and adds the CORS
headers to every other response whose Origin is allowed, replacing any the function set.
"""

from __future__ import annotations

from collections.abc import Mapping

from .template import CorsSpec


def is_preflight(method: str, headers: Mapping[str, str]) -> bool:
    return method.upper() == "OPTIONS" and "origin" in headers and "access-control-request-method" in headers


def _allowed_origin(cors: CorsSpec, origin: str | None) -> str | None:
    if not origin:
        return None
    if "*" in cors.allow_origins:
        # With credentials a wildcard cannot be echoed literally; reflect the origin instead.
        return origin if cors.allow_credentials else "*"
    for allowed in cors.allow_origins:
        if allowed.rstrip("/") == origin:
            return origin
        if "://*." in allowed:  # e.g. https://*.example.com
            scheme, _, domain = allowed.partition("://*.")
            if origin.startswith(scheme + "://") and origin.endswith("." + domain):
                return origin
    return None


def preflight_headers(cors: CorsSpec, headers: Mapping[str, str]) -> list[tuple[str, str]]:
    origin = _allowed_origin(cors, headers.get("origin"))
    if origin is None:
        return []
    requested_method = headers.get("access-control-request-method", "").upper()
    methods = cors.allow_methods
    if methods and "*" not in methods and requested_method not in methods:
        return []
    out = [("access-control-allow-origin", origin)]
    if methods:
        allow = requested_method if "*" in methods else ",".join(methods)
        out.append(("access-control-allow-methods", allow))
    requested_headers = headers.get("access-control-request-headers")
    if cors.allow_headers:
        if "*" in cors.allow_headers:
            if requested_headers:
                out.append(("access-control-allow-headers", requested_headers.lower()))
        else:
            out.append(("access-control-allow-headers", ",".join(cors.allow_headers)))
    if cors.allow_credentials:
        out.append(("access-control-allow-credentials", "true"))
    if cors.max_age is not None:
        out.append(("access-control-max-age", str(cors.max_age)))
    return out


def response_headers(cors: CorsSpec, headers: Mapping[str, str]) -> list[tuple[str, str]]:
    origin = _allowed_origin(cors, headers.get("origin"))
    if origin is None:
        return []
    out = [("access-control-allow-origin", origin)]
    if origin != "*":
        out.append(("vary", "origin"))
    if cors.expose_headers:
        out.append(("access-control-expose-headers", ",".join(cors.expose_headers)))
    if cors.allow_credentials:
        out.append(("access-control-allow-credentials", "true"))
    return out
