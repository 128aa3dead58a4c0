"""Cost of signing one access token in KMS (the stack's LocalStack) against signing it with a local RSA key
(the PEM key auth used before), same claims, same run, samples interleaved so machine noise hits both alike.

    .local/venv/bin/python tests/benchmarks/kms_signing.py [--iterations 200]

Both paths produce an RS256 JWS that verifies with the same kind of key; the KMS path is auth's own
`KeyRing.sign` (public key cached, so each token is exactly one KMS `Sign` call, which the script counts).
A third series, `DescribeKey` on the same key, is LocalStack's bare round trip: the difference to `Sign`
is LocalStack's signing itself (4.9.2 parses and validates the DER private key on every `Sign`). In AWS a
`Sign` call is a network round trip inside the region instead; neither figure transfers to AWS.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
import uuid
from pathlib import Path
from typing import Any

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa

REPO = Path(__file__).resolve().parents[2]
sys.path[:0] = [str(REPO), str(REPO / "shared"), str(REPO / "functions" / "auth")]
from auth_service.keys import KeyAliases, KeyRing  # noqa: E402 - after the path set-up
from tests.support.bench import latency_summary  # noqa: E402
from tests.support.stack import kms_call, stack  # noqa: E402


def claims() -> dict[str, Any]:
    now = int(time.time())
    return {"iss": "http://127.0.0.1:3000/api/auth", "aud": "bank-api", "sub": str(uuid.uuid4()),
            "roles": ["customer"], "iat": now, "nbf": now, "exp": now + 900, "jti": str(uuid.uuid4()),
            "sid": str(uuid.uuid4())}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--iterations", type=int, default=200)
    args = parser.parse_args()

    calls: list[str] = []

    def counted(operation: str, **params: Any) -> dict[str, Any]:
        calls.append(operation)
        return kms_call(operation, **params)

    ring = KeyRing(KeyAliases.of(stack()["kms_key_ids"]["JWT_SIGNING_KEY_ID"]), max_age_seconds=3600, kms=counted)
    local_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    ring.sign(claims())  # warm: public key cached, connection open
    jwt.encode(claims(), local_key, algorithm="RS256", headers={"kid": "local"})
    calls.clear()

    kms_ms: list[float] = []
    local_ms: list[float] = []
    round_trip_ms: list[float] = []
    key_id = ring.current().arn
    for _ in range(args.iterations):
        payload = claims()
        started = time.perf_counter()
        jwt.encode(payload, local_key, algorithm="RS256", headers={"kid": "local"})
        local_ms.append((time.perf_counter() - started) * 1000)
        started = time.perf_counter()
        ring.sign(payload)
        kms_ms.append((time.perf_counter() - started) * 1000)
        started = time.perf_counter()
        kms_call("describe_key", KeyId=key_id)
        round_trip_ms.append((time.perf_counter() - started) * 1000)

    print(latency_summary("local RSA", local_ms))
    print(latency_summary("KMS Sign", kms_ms))
    print(latency_summary("KMS trip", round_trip_ms) + "  (DescribeKey: LocalStack's bare round trip)")
    print(f"KMS calls per token: {len(calls) / args.iterations:.2f} ({', '.join(sorted(set(calls)))})")
    print(f"ratio KMS / local (median): {statistics.median(kms_ms) / statistics.median(local_ms):.1f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
