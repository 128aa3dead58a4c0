"""Start the local gateway as a real subprocess on a free port with the fixture template.

A tiny JWKS/OpenID server runs in a thread with an RSA key generated per session (never stored).
Kafka-backed tests run when BANK_KAFKA_BOOTSTRAP is set (the integration suite sets it).
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx
import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

REPO = Path(__file__).resolve().parents[3]
FIXTURE = Path(__file__).resolve().parent / "fixture"
AUDIENCE = "gw-test"
KID = "gw-test-key"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Issuer:
    url: str
    key: rsa.RSAPrivateKey
    jwks: dict[str, Any]

    def token(self, **overrides: Any) -> str:
        kid = overrides.pop("kid", KID)
        now = int(time.time())
        claims = {"iss": self.url, "aud": AUDIENCE, "sub": "user-42", "iat": now, "exp": now + 300,
                  "roles": ["customer", "employee"], "scope": "accounts:read"}
        claims.update(overrides)
        return jwt.encode(claims, self.key, algorithm="RS256", headers={"kid": kid})


def _jwks_handler(issuer_path: str, jwks: dict[str, Any]) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            host = f"http://{self.headers['Host']}"
            if self.path == issuer_path + "/.well-known/openid-configuration":
                body = {"issuer": host + issuer_path, "jwks_uri": host + issuer_path + "/jwks"}
            elif self.path == issuer_path + "/jwks":
                body = jwks
            else:
                self.send_error(404)
                return
            data = json.dumps(body).encode()
            self.send_response(200)
            self.send_header("content-type", "application/json")
            self.send_header("content-length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args: Any) -> None:
            pass

    return Handler


@pytest.fixture(scope="session")
def issuer() -> Iterator[Issuer]:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    jwk = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(key.public_key()))
    jwk.update(kid=KID, use="sig", alg="RS256")
    server = ThreadingHTTPServer(("127.0.0.1", 0), _jwks_handler("/issuer", {"keys": [jwk]}))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield Issuer(f"http://127.0.0.1:{server.server_address[1]}/issuer", key, {"keys": [jwk]})
    server.shutdown()


@dataclass
class Emulator:
    base_url: str
    log_path: Path
    consumer_output: Path
    topic: str
    kafka: str | None
    self_issuer: str

    def log_text(self) -> str:
        return self.log_path.read_text(errors="replace")


def _static_site(root: Path) -> Path:
    files = {"index.html": "<h1>home</h1>", "lk/index.html": "<h1>lk</h1>", "404.html": "<h1>404</h1>",
             "_next/static/chunks/app.js": "console.log(1)"}
    for rel, text in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text)
    return root


def _create_topic(bootstrap: str, topic: str) -> None:
    from confluent_kafka.admin import AdminClient, NewTopic

    admin = AdminClient({"bootstrap.servers": bootstrap})
    for future in admin.create_topics([NewTopic(topic, num_partitions=1, replication_factor=1)]).values():
        future.result(timeout=30)


def _wait_healthy(url: str, proc: subprocess.Popen[bytes], log_path: Path) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"emulator exited early:\n{log_path.read_text()}")
        try:
            if httpx.get(url + "/__emulator/health", timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    raise RuntimeError(f"emulator not healthy in time:\n{log_path.read_text()}")


@pytest.fixture(scope="session")
def emulator(issuer: Issuer, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Emulator]:
    tmp = tmp_path_factory.mktemp("gw")
    kafka = os.environ.get("BANK_KAFKA_BOOTSTRAP")
    topic = f"gwfix.events.{uuid.uuid4().hex[:8]}"
    output = tmp / "consumer.jsonl"
    env_vars = tmp / "env.json"
    port = free_port()
    self_issuer = f"http://127.0.0.1:{port}/api/issuer"
    env_vars.write_text(json.dumps({
        "Parameters": {"JwtIssuer": issuer.url, "JwtAudience": AUDIENCE, "ConsumerTopic": topic,
                       "SelfIssuer": self_issuer},
        "Consumer": {"GWFIX_OUTPUT": str(output)},
        "Issuer": {"GWFIX_JWKS": json.dumps(issuer.jwks)},
    }))
    if kafka:
        _create_topic(kafka, topic)
    args = [sys.executable, "-m", "local_gateway", "--template", str(FIXTURE / "template.yaml"),
            "--env-vars", str(env_vars), "--host", "127.0.0.1", "--port", str(port),
            "--static-dir", str(_static_site(tmp / "static")), "--repo-root", str(FIXTURE),
            "--no-schedules", "--region", "eu-central-1"]
    args += ["--kafka-bootstrap", kafka] if kafka else ["--no-kafka"]
    env = {**os.environ, "PYTHONPATH": str(REPO / "localstack"),
           "AWS_ENDPOINT_URL": os.environ.get("AWS_ENDPOINT_URL", "http://127.0.0.1:1")}
    log_path = tmp / "emulator.log"
    with log_path.open("wb") as log_file:
        proc = subprocess.Popen(args, cwd=REPO, env=env, stdout=log_file, stderr=subprocess.STDOUT)
    base_url = f"http://127.0.0.1:{port}"
    try:
        _wait_healthy(base_url, proc, log_path)
        yield Emulator(base_url, log_path, output, topic, kafka, self_issuer)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@pytest.fixture
def client(emulator: Emulator) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=emulator.base_url, timeout=30) as http:
        yield http
