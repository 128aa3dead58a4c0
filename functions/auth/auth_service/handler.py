"""Lambda entry point: the shared dispatcher around this service's app (HTTP, Kafka, schedule).

The schedule also drops one-time-link mail quota windows older than a day."""

from auth_service import service
from auth_service.api import app
from auth_service.settings import get_auth_settings
from bank_shared.app import lambda_entrypoint
from bank_shared.db import UnitOfWork


def _prune_link_mail_quota() -> int:
    with UnitOfWork() as uow:
        return service.prune_link_mail_quota(uow)


# With SnapStart, the libraries auth imports on first use (signing keys, sealed secrets, passwords, TOTP) go
# into the snapshot.
lambda_handler = lambda_entrypoint(
    app,
    scheduled_tasks={"link_mail_quota_pruned": _prune_link_mail_quota},
    prewarm=[get_auth_settings],
    prewarm_modules=["cryptography.hazmat.primitives.serialization", "cryptography.hazmat.primitives.hashes",
                     "cryptography.hazmat.primitives.asymmetric.padding",
                     "cryptography.hazmat.primitives.ciphers.aead", "argon2", "pyotp"],
)
