"""Lambda SnapStart: what runs before the snapshot is taken and after an environment is restored from it.

With SnapStart, Lambda initialises a function version once, snapshots the memory of that environment and
resumes every new environment from the snapshot. Whatever module-level state the snapshot holds is
therefore shared by all of them: an open database connection or Kafka producer (one TCP session, many
clients), pooled HTTP connections, cached secrets and tokens with their expiry clocks, and the seed of
`random`. So:

- before the snapshot, `prepare_snapshot` pre-warms (imports the libraries the bank defers off the cold
  path, reads the settings, builds the app's middleware stack, patches tracing) so a restored environment
  pays none of it, then closes anything initialisation opened;
- after a restore, `restore_environment` reseeds `random` and runs every registered reset, so each client,
  connection, cached secret and token is created afresh, on first use, by the environment that uses it.

Modules that keep such state register its reset where the state lives, with `@reset_on_restore`. The hooks
are registered with the runtime's `snapshot_restore_py` in this one place (`install`, called by
`lambda_entrypoint`); the library exists only in the Lambda runtime, so elsewhere nothing is registered and
the functions run as they always did. The local gateway rehearses the runtime's calls for functions whose
template enables SnapStart (AWS_LAMBDA_INITIALIZATION_TYPE=snap-start).
"""

from __future__ import annotations

import importlib
import random
from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from bank_shared.observability import logger, trace_library

Reset = TypeVar("Reset", bound=Callable[[], None])

# Libraries the bank imports on first use rather than at cold start (and the X-Ray patch each one gets).
DEFERRED_LIBRARIES: tuple[str, ...] = (
    "psycopg", "psycopg.rows", "psycopg.types.json", "psycopg.errors", "httpx", "boto3", "redis",
    "confluent_kafka", "aws_msk_iam_sasl_signer",
)
TRACED_LIBRARIES: tuple[str, ...] = ("botocore", "httplib", "httpx", "psycopg")

_resets: list[Callable[[], None]] = []
_installed = False


def reset_on_restore(reset: Reset) -> Reset:
    """Declare `reset` as forgetting per-environment state (a connection, a client, a cached secret or
    token) that a restored snapshot must not share; the getter that owns the state re-creates it lazily."""
    if reset not in _resets:
        _resets.append(reset)
    return reset


def registered_resets() -> tuple[Callable[[], None], ...]:
    return tuple(_resets)


def _run_resets(phase: str) -> None:
    for reset in list(_resets):
        try:
            reset()
        except Exception:  # noqa: BLE001 - one stale client must not keep the others (or the restore) from resetting
            logger.exception("snapstart reset failed", extra={"phase": phase, "reset": reset.__qualname__})


def restore_environment() -> None:
    """The after-restore hook: fresh randomness, then every registered reset."""
    random.seed()  # from os.urandom: the snapshot's Mersenne Twister state is identical in every environment
    _run_resets("after_restore")


def prepare_snapshot(app: Any, prewarm: Iterable[Callable[[], Any]] = (),
                     modules: Iterable[str] = ()) -> None:
    """The before-snapshot hook: pay every deferred import and one-time build now, so the snapshot holds
    them, then close whatever that (or initialisation) opened."""
    from bank_shared.settings import get_settings

    for name in (*DEFERRED_LIBRARIES, *modules):
        try:
            importlib.import_module(name)
        except ImportError:  # a library this function's package does not ship
            logger.debug("snapstart prewarm skipped a module", extra={"module": name})
    trace_library(*TRACED_LIBRARIES)
    get_settings()
    for step in prewarm:
        step()
    if getattr(app, "middleware_stack", None) is None and hasattr(app, "build_middleware_stack"):
        app.middleware_stack = app.build_middleware_stack()
    _run_resets("before_snapshot")


def install(app: Any, prewarm: Iterable[Callable[[], Any]] = (), modules: Iterable[str] = ()) -> bool:
    """Register the hooks with the Lambda runtime, once per environment; False where there is no runtime
    (locally, in tests), which leaves everything as it was."""
    global _installed
    try:
        from snapshot_restore_py import register_after_restore, register_before_snapshot
    except ImportError:
        return False
    if not _installed:
        register_before_snapshot(prepare_snapshot, app, tuple(prewarm), tuple(modules))
        register_after_restore(restore_environment)
        _installed = True
    return True
