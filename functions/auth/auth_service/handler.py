"""Lambda entry point: the shared dispatcher around this service's app (HTTP, Kafka, schedule)."""

from auth_service.api import app
from auth_service.settings import get_auth_settings
from bank_shared.app import lambda_entrypoint

# With SnapStart, the libraries auth imports on first use (signing keys, sealed secrets, passwords, TOTP) go
# into the snapshot.
lambda_handler = lambda_entrypoint(
    app,
    prewarm=[get_auth_settings],
    prewarm_modules=["cryptography.hazmat.primitives.serialization", "cryptography.hazmat.primitives.hashes",
                     "cryptography.hazmat.primitives.asymmetric.padding",
                     "cryptography.hazmat.primitives.ciphers.aead", "argon2", "pyotp"],
)
