"""SnapStart runtime hooks (bank_shared.snapstart), driven as the Lambda runtime drives them: through the
real `snapshot_restore_py` registry, before-snapshot hooks in reverse order of registration, after-restore
hooks in order of registration."""

from __future__ import annotations

import ast
import random
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import snapshot_restore_py
from fastapi import APIRouter
from moto import mock_aws

import auth_service.keys
import fx_service.dependencies
import fx_service.spread
import fx_service.treasury
from bank_shared import aws, db, http, observability, redis_client, snapstart
from bank_shared.app import create_app, lambda_entrypoint
from bank_shared.events import kafka
from bank_shared.tools.registry import service_names
from tests.support.lambda_events import Context, http_event

REPO = Path(__file__).resolve().parents[3]

# Module-level state that belongs to one execution environment, reset after every restore.
RESET_AFTER_RESTORE = {
    "bank_shared.db._connection", "bank_shared.redis_client._client", "bank_shared.http._default_invoker",
    "bank_shared.events.kafka._producer", "bank_shared.aws.client",
    "bank_shared.aws._secrets", "auth_service.keys.key_ring", "fx_service.treasury._cached",
    "fx_service.treasury._last_read", "fx_service.spread._cached", "fx_service.dependencies.rates_provider",
}
# Lazy singletons and caches a snapshot may carry, because nothing in them belongs to one environment.
SHARED_SAFELY = {
    "bank_shared.settings.get_settings": "configuration from environment variables, the same in every "
                                         "restored environment; read before the snapshot on purpose",
    **{f"{service}_service.settings.get_{service}_settings": "the service's configuration, as above"
       for service in service_names()},
    "bank_shared.bank_details.get_bank_details": "the bank's requisites from environment variables, as above",
    "auth_service.passwords.hasher": "argon2 parameters only; every hash draws its own salt from os.urandom",
    "auth_service.passwords.dummy_hash": "a decoy hash of a fixed string that only equalises login timing",
    "notifications_service.push.vapid_private_key": "the web push key pair derived from a secret's seed: the same "
                                                    "in every environment, holds no client, clock or randomness",
    "fx_service.dependencies.treasury_provider": "wraps treasury_table(), whose own cache is reset",
    "customer_service.clients._services": "wrappers with no client or connection of their own: they invoke "
                                          "through bank_shared.http's default invoker, which is reset",
    "office_service.clients._services": "as customer_service.clients._services",
    "fx_service.clients._accounts": "as customer_service.clients._services",
    "fx_service.clients._ledger": "as customer_service.clients._services",
    "utilities_service.clients._accounts": "as customer_service.clients._services",
    "utilities_service.clients._ledger": "as customer_service.clients._services",
    "utilities_service.clients._ledger_accounts": "as customer_service.clients._services",
    "notifications_service.clients._accounts": "as customer_service.clients._services",
    "notifications_service.clients._users": "as customer_service.clients._services",
    "contracts_service.clients._names": "as customer_service.clients._services",
    "notifications_service.templates._environment": "the template files of the deployed code, read-only",
    "notifications_service.templates.reasons": "texts from the deployed code's files, as above",
    "notifications_service.templates.units": "texts from the deployed code's files, as above",
    "accounts_service.ledger_client._ledger": "as customer_service.clients._services",
    "accounts_service.card_clients._ledger": "as customer_service.clients._services",
    "accounts_service.card_clients._rates": "as customer_service.clients._services",
    "accounts_service.payments_client._payments": "as customer_service.clients._services",
    "accounts_service.card_topups_clients._credit_ledger": "as customer_service.clients._services",
    # Holds no connection: each call opens its own httpx request and reads the secret through the cached getter.
    "accounts_service.card_topups_clients._acquirer": "stateless: a new HTTP request per call",
    "accounts_service.interest_client._ledger": "as customer_service.clients._services",
    "office_service.repository._audit": "reaches the database through UnitOfWork, whose connection is reset",
    "bank_shared.custom_resource.aws_client": "custom-resource functions (platform, migrations) run with "
                                              "SnapStart off (template.yaml: ApplyOn None); never restored",
    "platform_service.splunk_sink._client": "the Splunk sink runs with SnapStart off (template.yaml: ApplyOn None)",
    "platform_service.splunk_sink._token": "as platform_service.splunk_sink._client",
}


class Stale:
    """Stands for a connection, client or producer that a snapshot would hand to every restored environment."""

    closed = False
    broken = False

    def __init__(self) -> None:
        self.calls: list[str] = []

    def close(self) -> None:
        self.calls.append("close")
        self.closed = True

    def purge(self) -> None:
        self.calls.append("purge")

    def flush(self, *_: Any) -> int:
        self.calls.append("flush")
        return 0


@pytest.fixture
def runtime(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """A fresh runtime registry, and this module's install flag cleared, for each test."""
    monkeypatch.setattr(snapshot_restore_py, "_before_snapshot_registry", [])
    monkeypatch.setattr(snapshot_restore_py, "_after_restore_registry", [])
    monkeypatch.setattr(snapstart, "_installed", False)
    yield


def run_before_snapshot() -> None:
    for func, args, kwargs in reversed(snapshot_restore_py.get_before_snapshot()):
        func(*args, **kwargs)


def run_after_restore() -> None:
    for func, args, kwargs in snapshot_restore_py.get_after_restore():
        func(*args, **kwargs)


def demo_handler(**kwargs: Any) -> Any:
    router = APIRouter()

    @router.get("/ping")
    def ping() -> dict[str, str]:
        return {"pong": "yes"}

    app = create_app("demo", [router], health_checks={})
    return app, lambda_entrypoint(app, **kwargs)


def test_the_entry_point_registers_both_hooks_with_the_runtime_library(runtime: None) -> None:
    app, _handler = demo_handler()
    before = snapshot_restore_py.get_before_snapshot()
    after = snapshot_restore_py.get_after_restore()
    assert [(func, args[0]) for func, args, _ in before] == [(snapstart.prepare_snapshot, app)]
    assert [func for func, _, _ in after] == [snapstart.restore_environment]


def test_without_the_runtime_library_nothing_is_registered_and_the_handler_works(
        runtime: None, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "snapshot_restore_py", None)  # as off Lambda: the import fails
    _app, handler = demo_handler()
    assert snapshot_restore_py.get_before_snapshot() == [] and snapshot_restore_py.get_after_restore() == []
    assert handler(http_event("GET", "/api/demo/ping"), Context())["statusCode"] == 200


def stale_state(monkeypatch: pytest.MonkeyPatch) -> dict[str, Stale]:
    """Every per-environment global holding something, as a snapshot taken after use would have it."""
    stale: dict[str, Stale] = {}
    for module in (db, redis_client, http, kafka, auth_service.keys, fx_service.treasury, fx_service.spread):
        for name in ("_connection", "_client", "_default_invoker", "_cached", "_producer", "_last_read"):
            key = f"{module.__name__}.{name}"
            if key in RESET_AFTER_RESTORE:
                stale[key] = Stale()
                monkeypatch.setattr(module, name, stale[key])
    return stale


def test_after_restore_every_client_connection_cached_secret_and_token_is_dropped(
        runtime: None, monkeypatch: pytest.MonkeyPatch) -> None:
    demo_handler()
    with mock_aws():
        aws.reset_clients()
        aws.client("secretsmanager").create_secret(Name="bank/test/demo", SecretString='{"key": "value"}')
        aws.secret_json("bank/test/demo")  # read through (and cached by) the Powertools provider in aws._secrets
        provider = fx_service.dependencies.rates_provider()
        auth_service.keys.key_ring()  # public keys cached with this environment's clock
        stale = stale_state(monkeypatch)
        globals_reset = set(stale)
        caches = {"bank_shared.aws.client": aws.client, "bank_shared.aws._secrets": aws._secrets,
                  "fx_service.dependencies.rates_provider": fx_service.dependencies.rates_provider,
                  "auth_service.keys.key_ring": auth_service.keys.key_ring}
        assert all(cache.cache_info().currsize == 1 for cache in caches.values())
        assert globals_reset | set(caches) == RESET_AFTER_RESTORE  # the test covers every listed item

        run_after_restore()

    for key in globals_reset:
        module_name, _, name = key.rpartition(".")
        assert getattr(sys.modules[module_name], name) is None, key
    assert all(cache.cache_info().currsize == 0 for cache in caches.values())
    assert stale["bank_shared.db._connection"].calls == ["close"]
    assert stale["bank_shared.http._default_invoker"].calls == ["close"]
    # a producer restored from a snapshot would deliver the same queued messages from every environment:
    # its queue is purged, never flushed (the outbox still holds those events for the sweeper)
    assert stale["bank_shared.events.kafka._producer"].calls == ["purge"]
    assert fx_service.dependencies.rates_provider() is not provider  # re-created on next use


def _is_none(value: ast.expr | None) -> bool:
    return isinstance(value, ast.Constant) and value.value is None


def _is_swappable(value: ast.expr | None) -> bool:
    called = value.func if isinstance(value, ast.Call) else None
    named = called.value if isinstance(called, ast.Subscript) else called
    return isinstance(named, ast.Name) and named.id == "Swappable"


def module_state(path: Path, module: str) -> set[str]:
    """`module.name` of every lazy singleton (`_name = None` or `_name = Swappable[...](...)` at module level) and
    every lru_cache'd function."""
    found: set[str] = set()
    for node in ast.parse(path.read_text()).body:
        if isinstance(node, ast.Assign | ast.AnnAssign) and (_is_none(node.value) or _is_swappable(node.value)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            found |= {f"{module}.{t.id}" for t in targets if isinstance(t, ast.Name) and t.id.startswith("_")}
        if isinstance(node, ast.FunctionDef):
            for decorator in node.decorator_list:
                called = decorator.func if isinstance(decorator, ast.Call) else decorator
                if isinstance(called, ast.Name) and called.id in {"lru_cache", "cache"}:
                    found.add(f"{module}.{node.name}")
    return found


def test_every_module_level_singleton_is_reset_after_restore_or_declared_safe_to_share() -> None:
    """A new cached client or secret must choose: @reset_on_restore, or a reason in SHARED_SAFELY."""
    found: set[str] = set()
    for path in sorted((REPO / "shared" / "bank_shared").rglob("*.py")):
        found |= module_state(path, ".".join(path.relative_to(REPO / "shared").with_suffix("").parts))
    for path in sorted((REPO / "functions").glob("*/*_service/*.py")):
        found |= module_state(path, f"{path.parent.name}.{path.stem}")
    unaccounted = found - RESET_AFTER_RESTORE - set(SHARED_SAFELY)
    assert not unaccounted, f"per-environment state without a SnapStart decision: {sorted(unaccounted)}"
    assert found >= RESET_AFTER_RESTORE | set(SHARED_SAFELY)  # no stale entries in either list


def test_each_restored_environment_draws_its_own_random_numbers(runtime: None) -> None:
    demo_handler()
    snapshot = random.getstate()
    random.setstate(snapshot)
    unprotected = [random.random() for _ in range(3)]
    random.setstate(snapshot)
    assert [random.random() for _ in range(3)] == unprotected  # the hazard: one snapshot, one sequence

    draws = []
    for _environment in range(2):
        random.setstate(snapshot)
        run_after_restore()
        draws.append([random.random() for _ in range(3)])
    assert draws[0] != draws[1] and unprotected not in draws


def test_before_the_snapshot_the_function_is_prewarmed_and_init_leaves_nothing_open(
        runtime: None, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(snapstart, "DEFERRED_LIBRARIES", ("colorsys",))
    monkeypatch.delitem(sys.modules, "colorsys", raising=False)
    monkeypatch.delitem(sys.modules, "this_module_does_not_exist", raising=False)
    steps: list[str] = []
    app, handler = demo_handler(prewarm=[lambda: steps.append("service settings")],
                                prewarm_modules=["this_module_does_not_exist"])
    connection = Stale()
    monkeypatch.setattr(db, "_connection", connection)
    assert app.middleware_stack is None

    run_before_snapshot()

    assert "colorsys" in sys.modules  # the deferred imports are paid into the snapshot
    assert steps == ["service settings"]
    assert app.middleware_stack is not None
    assert db._connection is None and connection.calls == ["close"]
    assert handler(http_event("GET", "/api/demo/ping"), Context())["statusCode"] == 200


def test_a_failing_reset_does_not_keep_the_others_from_running(monkeypatch: pytest.MonkeyPatch) -> None:
    ran: list[str] = []

    def broken() -> None:
        raise RuntimeError("stale socket")

    monkeypatch.setattr(snapstart, "_resets", [broken, lambda: ran.append("next")])
    snapstart.restore_environment()
    assert ran == ["next"]


def test_tracing_patches_each_library_once_and_only_when_enabled(monkeypatch: pytest.MonkeyPatch) -> None:
    import aws_xray_sdk.core

    patched: list[tuple[tuple[str, ...], bool]] = []
    monkeypatch.setattr(aws_xray_sdk.core, "patch", lambda names, raise_errors: patched.append(
        (tuple(names), raise_errors)))
    monkeypatch.setattr(observability, "_traced_libraries", set())
    monkeypatch.setattr(observability.tracer, "disabled", True)
    observability.trace_library("httpx")
    assert patched == []

    monkeypatch.setattr(observability, "_traced_libraries", set())
    monkeypatch.setattr(observability.tracer, "disabled", False)
    observability.trace_library("botocore", "httplib")
    observability.trace_library("botocore", "httpx")
    observability.trace_library("httpx")
    assert patched == [(("botocore", "httplib"), False), (("httpx",), False)]
