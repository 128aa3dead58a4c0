"""Lambda entry point: the shared dispatcher around this service's app (HTTP, Kafka, schedule)."""

from auth_service.api import app
from auth_service.settings import get_auth_settings
from bank_shared.app import lambda_entrypoint

# With SnapStart, the libraries auth imports on first use (tokens, keys, passwords, TOTP) go into the snapshot.
lambda_handler = lambda_entrypoint(
    app,
    prewarm=[get_auth_settings],
    prewarm_modules=["jwt", "cryptography.hazmat.primitives.serialization", "argon2", "pyotp"],
)
