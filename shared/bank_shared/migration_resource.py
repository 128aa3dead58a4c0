"""Custom::Migrations: a service's database migrations, applied during the deploy before its new code takes
traffic.

Each service has a migration function deployed from the service's own code (the same CodeUri, so the
migrations travel with the code that needs them) whose handler is this module, from the layer. Its
`Custom::Migrations` resource carries the function's published version as a property, so every deploy that
changes the service's code (or the layer) updates the resource and runs `upgrade_head`; the service function
depends on the resource, so CloudFormation updates the service only after the migrations succeeded, and a
failed migration fails the deploy (and rolls it back).

During that rollback CloudFormation sends an Update with the previous properties: the older code then finds
the database at a revision it does not know. Migrations are expand-only (older code runs on the newer
schema), so that case is answered SUCCESS with a note instead of failing the rollback. Delete never touches
the database.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

from bank_shared.custom_resource import ConvergingResource, CustomResourceError, Outcome, Request, handle, read_secret
from bank_shared.db import conninfo_from_secret
from bank_shared.observability import logger

RESOURCE_TYPE = "Custom::Migrations"
# What Alembic says when the database's revision is not in the code's history (the rollback case).
_UNKNOWN_REVISION_MARKERS = ("Can't locate revision", "No such revision")


def lambda_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    return handle(event, context, {RESOURCE_TYPE: MigrationsResource()})


class MigrationsResource(ConvergingResource):
    def physical_id(self, request: Request) -> str:
        return _physical_id(str(request.properties.get("Service")))

    def converge(self, request: Request) -> Outcome:
        service = str(request.prop("Service"))
        deployed_as = os.environ.get("POWERTOOLS_SERVICE_NAME")
        if deployed_as != service:
            raise CustomResourceError(f"this migration function belongs to {deployed_as!r}, not {service!r}")
        secret_id = os.environ.get("DB_SECRET_ID")
        if not secret_id:
            raise CustomResourceError(f"the {service} migration function has no DB_SECRET_ID")
        url = request.secret(conninfo_from_secret(read_secret(request, secret_id)))
        try:
            applied = _upgrade_head()(service, url)
        except Exception as error:
            if request.request_type == "Update" and _database_is_ahead(error):
                logger.warning("database is ahead of this code (rollback); nothing applied",
                               extra={"service": service, "detail": request.mask(str(error))})
                return Outcome(_physical_id(service), {"Applied": "", "Note": "database ahead of code"})
            raise
        logger.info("migrations applied", extra={"service": service, "applied": applied})
        return Outcome(_physical_id(service), {"Applied": ",".join(applied), "Count": str(len(applied))})


def _upgrade_head() -> Callable[[str, str], list[str]]:
    """`bank_shared.migrations.upgrade_head(service, database_url) -> applied revisions` (Alembic)."""
    from bank_shared import migrations  # deferred: Alembic loads only when migrating

    return migrations.upgrade_head


def _database_is_ahead(error: Exception) -> bool:
    text = str(error)
    return any(marker in text for marker in _UNKNOWN_REVISION_MARKERS)


def _physical_id(service: str) -> str:
    return f"{service}-database-migrations"
