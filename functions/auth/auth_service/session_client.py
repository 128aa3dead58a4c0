"""What a session's list entry says about the device: a short summary of the User-Agent and the network prefix
of the caller's address (IPv4 /24, IPv6 /48). Never the raw header nor the full address: enough for a customer
to recognise "Chrome, Windows from 203.0.113.0/24", too little to track anyone."""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from typing import Any

from starlette.requests import Request

_BROWSERS = (("Edg/", "Edge"), ("OPR/", "Opera"), ("YaBrowser/", "Yandex Browser"), ("Firefox/", "Firefox"),
             ("Chrome/", "Chrome"), ("Safari/", "Safari"))
_SYSTEMS = (("Android", "Android"), ("iPhone", "iOS"), ("iPad", "iOS"), ("Windows", "Windows"),
            ("Mac OS X", "macOS"), ("CrOS", "ChromeOS"), ("Linux", "Linux"))


@dataclass(frozen=True)
class SessionClient:
    client: str | None = None
    ip_prefix: str | None = None


def summarise_user_agent(user_agent: str | None) -> str | None:
    """"Firefox, Linux"; "Other" for clients that are no known browser; None without the header."""
    text = (user_agent or "").strip()[:512]
    if not text:
        return None
    browser = next((name for marker, name in _BROWSERS if marker in text), "Other")
    system = next((name for marker, name in _SYSTEMS if marker in text), None)
    return f"{browser}, {system}" if system else browser


def network_prefix(address: str | None) -> str | None:
    """The /24 (IPv4) or /48 (IPv6) network holding the address; None when it is no IP address."""
    try:
        ip = ipaddress.ip_address((address or "").strip())
    except ValueError:
        return None
    bits = 24 if ip.version == 4 else 48
    return str(ipaddress.ip_network(f"{ip}/{bits}", strict=False))


def session_client(request: Request) -> SessionClient:
    """From API Gateway's request context (the address a client cannot forge), else the socket's peer."""
    event: dict[str, Any] = request.scope.get("aws.event") or {}
    source_ip = ((event.get("requestContext") or {}).get("http") or {}).get("sourceIp")
    if not source_ip and request.client:
        source_ip = request.client.host
    return SessionClient(summarise_user_agent(request.headers.get("user-agent")), network_prefix(source_ip))
