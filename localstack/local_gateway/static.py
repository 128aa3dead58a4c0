"""The SPA as CloudFront + S3 serve a Next.js static export (``trailingSlash: true``)."""

from __future__ import annotations

import json
import mimetypes
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from urllib.parse import unquote

# The one definition of the SPA's security headers (CloudFront's ResponseHeadersPolicy in template.yaml is
# checked against the same file by tests/unit/template/test_template_edge.py).
SECURITY_HEADERS_FILE = Path(__file__).resolve().parents[2] / "frontend" / "security-headers.json"


def security_headers() -> dict[str, str]:
    """Header name → value, as CloudFront adds them to every response of the SPA's origin."""
    headers: dict[str, str] = json.loads(SECURITY_HEADERS_FILE.read_text())["headers"]
    return dict(headers)


IMMUTABLE = "public, max-age=31536000, immutable"
REVALIDATE = "public, max-age=0, must-revalidate"

_EXTRA_TYPES = {
    ".js": "application/javascript",
    ".mjs": "application/javascript",
    ".css": "text/css",
    ".json": "application/json",
    ".map": "application/json",
    ".svg": "image/svg+xml",
    ".webp": "image/webp",
    ".woff": "font/woff",
    ".woff2": "font/woff2",
    ".txt": "text/plain",
    ".ico": "image/x-icon",
    ".webmanifest": "application/manifest+json",
    ".wasm": "application/wasm",
}

NOT_BUILT_HTML = b"""<!doctype html>
<html><head><meta charset="utf-8"><title>SPA not built</title></head>
<body><h1>The web app is not built yet</h1>
<p>Build the frontend (static export into <code>frontend/out</code>) and reload.
The API is available under <code>/api/</code>.</p></body></html>
"""


@dataclass(frozen=True)
class StaticHit:
    path: Path | None  # None: use ``body`` (the "not built" page)
    status: int
    content_type: str
    cache_control: str
    body: bytes = b""


def content_type_for(path: Path) -> str:
    suffix = path.suffix.lower()
    if suffix in _EXTRA_TYPES:
        kind = _EXTRA_TYPES[suffix]
    else:
        kind = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    if kind.startswith("text/") or kind in ("application/javascript", "application/json"):
        kind += "; charset=utf-8"
    return kind


def _safe_relative(url_path: str) -> PurePosixPath | None:
    parts = [p for p in unquote(url_path).split("/") if p not in ("", ".")]
    if any(p == ".." or "\\" in p or "\x00" in p for p in parts):
        return None
    return PurePosixPath(*parts) if parts else PurePosixPath(".")


def _file(root: Path, relative: PurePosixPath | str) -> Path | None:
    candidate = (root / str(relative)).resolve()
    if candidate.is_file() and candidate.is_relative_to(root):
        return candidate
    return None


def _hit(path: Path, status: int = 200) -> StaticHit:
    cache = IMMUTABLE if "/_next/static/" in path.as_posix() else REVALIDATE
    return StaticHit(path, status, content_type_for(path), cache)


def resolve_static(static_dir: Path | None, url_path: str) -> StaticHit | None:
    """Map a URL path to a file; None means a plain 404."""
    if static_dir is None or not static_dir.is_dir():
        if url_path in ("/", "/index.html"):
            return StaticHit(None, 200, "text/html; charset=utf-8", "no-store", NOT_BUILT_HTML)
        return None
    root = static_dir.resolve()
    relative = _safe_relative(url_path)
    if relative is None:
        return None
    rel = str(relative)
    candidates = [rel] if rel != "." else []
    if rel == "." or url_path.endswith("/"):
        candidates = [f"{rel}/index.html"]
    elif not relative.suffix:
        candidates += [f"{rel}/index.html", f"{rel}.html"]
    for candidate in candidates:
        found = _file(root, candidate)
        if found:
            return _hit(found)
    if relative.suffix and rel != ".":
        return None  # a missing asset is a real 404, never the SPA shell
    not_found = _file(root, "404.html")
    if not_found:
        return _hit(not_found, 404)
    index = _file(root, "index.html")
    return _hit(index) if index else None
