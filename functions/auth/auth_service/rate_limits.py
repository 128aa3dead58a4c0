"""Auth's own per-caller limits (IP for these anonymous routes), handed to the shared limiter by `create_app`.
The per-address lockout in auth is the real brute-force defence; these keep one client from hammering the
expensive (argon2) endpoints. `RATE_LIMIT_RULES` overrides them per deployment."""

from __future__ import annotations

from bank_shared.ratelimit import RateLimitPolicy

AUTH_RATE_LIMITS = RateLimitPolicy(
    rules={
        "POST /api/auth/login": "60/60",
        "POST /api/auth/register": "30/60",
        "POST /api/auth/activation/resend": "10/60",
        "POST /api/auth/password/forgot": "10/60",
        "POST /api/auth/password/reset": "30/60",
        "POST /api/auth/password/change": "10/60",  # per signed-in user; argon2 twice per call
        "POST /api/auth/mfa/": "30/60",
        "POST /api/auth/token": "60/60",
    },
    # Without their counters nothing would stop mass registration or mail bombing: 503 when Redis is down.
    fail_closed_prefixes=("/api/auth/register", "/api/auth/activation/resend", "/api/auth/password/"),
)
