"""SPA serving as CloudFront + S3 would, CORS as HTTP API applies it, schedule rates."""

from __future__ import annotations

from pathlib import Path

import pytest
from starlette.applications import Starlette
from starlette.routing import Route
from starlette.testclient import TestClient

from local_gateway import cors
from local_gateway.app import Gateway, Options
from local_gateway.schedules import rate_seconds
from local_gateway.static import IMMUTABLE, resolve_static, security_headers
from local_gateway.template import CorsSpec


@pytest.fixture
def site(tmp_path: Path) -> Path:
    for rel, text in {"index.html": "home", "lk/index.html": "lk", "office.html": "office",
                      "_next/static/chunks/app.js": "js", "404.html": "nf", "favicon.ico": "i"}.items():
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text(text)
    return tmp_path


@pytest.mark.parametrize(("url", "expected", "status"), [
    ("/", "index.html", 200),
    ("/lk", "lk/index.html", 200),
    ("/lk/", "lk/index.html", 200),
    ("/office", "office.html", 200),
    ("/_next/static/chunks/app.js", "_next/static/chunks/app.js", 200),
    ("/unknown/client/route", "404.html", 404),
])
def test_static_resolution(site: Path, url: str, expected: str, status: int) -> None:
    hit = resolve_static(site, url)
    assert hit is not None and hit.path == (site / expected).resolve() and hit.status == status


def test_static_details(site: Path) -> None:
    js = resolve_static(site, "/_next/static/chunks/app.js")
    assert js is not None and js.cache_control == IMMUTABLE and js.content_type.startswith("application/javascript")
    html = resolve_static(site, "/lk")
    assert html is not None and html.content_type == "text/html; charset=utf-8" and html.cache_control != IMMUTABLE
    assert resolve_static(site, "/missing.png") is None
    assert resolve_static(site, "/../etc/passwd") is None
    assert resolve_static(site, "/%2e%2e/secret") is None


def test_spa_fallback_without_404_page(site: Path) -> None:
    (site / "404.html").unlink()
    hit = resolve_static(site, "/lk/accounts/42")
    assert hit is not None and hit.status == 200 and hit.path == (site / "index.html").resolve()


def test_not_built(tmp_path: Path) -> None:
    hit = resolve_static(tmp_path / "absent", "/")
    assert hit is not None and hit.path is None and b"not built" in hit.body
    assert resolve_static(None, "/lk") is None


SPEC = CorsSpec(allow_origins=["http://spa"], allow_headers=["authorization", "content-type"],
                allow_methods=["GET", "POST"], expose_headers=["x-request-id"], allow_credentials=True, max_age=600)


def test_preflight() -> None:
    headers = {"origin": "http://spa", "access-control-request-method": "POST",
               "access-control-request-headers": "authorization"}
    assert cors.is_preflight("OPTIONS", headers)
    out = dict(cors.preflight_headers(SPEC, headers))
    assert out["access-control-allow-origin"] == "http://spa"
    assert out["access-control-allow-methods"] == "GET,POST"
    assert out["access-control-allow-headers"] == "authorization,content-type"
    assert out["access-control-allow-credentials"] == "true"
    assert out["access-control-max-age"] == "600"
    assert cors.preflight_headers(SPEC, {**headers, "origin": "http://evil"}) == []
    assert cors.preflight_headers(SPEC, {**headers, "access-control-request-method": "DELETE"}) == []


def test_simple_response_headers() -> None:
    out = dict(cors.response_headers(SPEC, {"origin": "http://spa"}))
    assert out["access-control-allow-origin"] == "http://spa"
    assert out["access-control-expose-headers"] == "x-request-id"
    assert cors.response_headers(SPEC, {}) == []
    wildcard = CorsSpec(allow_origins=["*"])
    assert dict(cors.response_headers(wildcard, {"origin": "http://x"}))["access-control-allow-origin"] == "*"


def test_rate_expressions() -> None:
    assert rate_seconds("rate(1 minute)") == 60
    assert rate_seconds("rate(5 minutes)") == 300
    assert rate_seconds("rate(2 hours)") == 7200
    assert rate_seconds("cron(0 3 * * ? *)") is None
    assert rate_seconds("rate(0 minutes)") is None


def test_every_spa_response_carries_the_security_headers(site: Path) -> None:
    """The gateway serves the SPA with the headers CloudFront adds (frontend/security-headers.json)."""
    expected = security_headers()
    assert "frame-ancestors 'none'" in expected["Content-Security-Policy"]
    assert expected["X-Frame-Options"] == "DENY" and expected["X-Content-Type-Options"] == "nosniff"
    gateway = Gateway.__new__(Gateway)
    gateway.options = Options(static_dir=site)
    gateway._security_headers = expected
    app = Starlette(routes=[Route("/{path:path}", gateway.handle_static, methods=["GET", "HEAD", "POST"])])
    client = TestClient(app)
    for url, status in (("/", 200), ("/lk/", 200), ("/_next/static/chunks/app.js", 200), ("/nowhere/x", 404),
                        ("/missing.png", 404)):
        response = client.get(url)
        assert response.status_code == status, url
        for name, value in expected.items():
            assert response.headers[name] == value, (url, name)
    assert client.post("/").headers["X-Frame-Options"] == "DENY"
