"""The parts of a SAM template the emulator needs, as plain dataclasses."""

from __future__ import annotations

import json
import logging
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .cfn_yaml import load_template_file
from .intrinsics import ACCOUNT_ID, Resolver, Unresolvable

log = logging.getLogger("local_gateway.template")

DEFAULT_TIMEOUT = 3
DEFAULT_MEMORY = 128
# AWS: MaximumRetryAttempts of a Kafka event source mapping defaults to -1 (retry until the record expires);
# with an on-failure destination and infinite retries Lambda applies at most 10 retries.
INFINITE_RETRIES = -1
RETRIES_WITH_DESTINATION = 10
DEFAULT_MSK_RETRIES = INFINITE_RETRIES
IMPLICIT_API = "ServerlessHttpApi"


@dataclass
class JwtAuthorizerSpec:
    name: str
    issuer: str
    audiences: list[str]
    identity_source: str = "$request.header.Authorization"


@dataclass
class CorsSpec:
    allow_origins: list[str] = field(default_factory=list)
    allow_headers: list[str] = field(default_factory=list)
    allow_methods: list[str] = field(default_factory=list)
    expose_headers: list[str] = field(default_factory=list)
    allow_credentials: bool = False
    max_age: int | None = None


@dataclass
class HttpApiSpec:
    logical_id: str
    authorizers: dict[str, JwtAuthorizerSpec] = field(default_factory=dict)
    default_authorizer: str | None = None
    cors: CorsSpec | None = None


@dataclass
class HttpRoute:
    function_id: str
    api_id: str
    method: str  # upper-case method or "ANY"
    path: str  # e.g. /api/ledger/{proxy+} or "$default"
    authorizer: str | None  # name of a JwtAuthorizerSpec, None = open route
    scopes: list[str] = field(default_factory=list)

    @property
    def route_key(self) -> str:
        return "$default" if self.path == "$default" else f"{self.method} {self.path}"


@dataclass
class MskMapping:
    function_id: str
    event_name: str
    stream_arn: str
    topics: list[str]
    starting_position: str = "LATEST"
    batch_size: int = 100
    batching_window_s: float = 0.5
    consumer_group_id: str | None = None
    on_failure_destination: str | None = None
    max_retries: int = DEFAULT_MSK_RETRIES
    enabled: bool = True

    @property
    def group_id(self) -> str:
        return self.consumer_group_id or f"{self.function_id}-{'-'.join(self.topics)}"


@dataclass
class ScheduleSpec:
    function_id: str
    event_name: str
    expression: str
    kind: str  # "Schedule" (EventBridge rule) or "ScheduleV2" (EventBridge Scheduler)
    input: str | None = None
    enabled: bool = True


@dataclass
class FunctionSpec:
    logical_id: str
    function_name: str
    code_dir: Path
    handler: str
    runtime: str
    timeout: int
    memory_size: int
    environment: dict[str, str]
    layer_dirs: list[Path] = field(default_factory=list)
    region: str = "us-east-1"
    snap_start: bool = False  # SnapStart ApplyOn: PublishedVersions (the worker rehearses snapshot + restore)

    @property
    def arn(self) -> str:
        return f"arn:aws:lambda:{self.region}:{ACCOUNT_ID}:function:{self.function_name}"


@dataclass
class Model:
    functions: dict[str, FunctionSpec]
    apis: dict[str, HttpApiSpec]
    routes: list[HttpRoute]
    msk: list[MskMapping]
    schedules: list[ScheduleSpec]


# --- env-vars file ---------------------------------------------------------------------------


def load_env_vars_file(path: str | Path | None) -> dict[str, dict[str, Any]]:
    """Read a SAM ``--env-vars`` file; a missing or broken file means no overrides."""
    if not path:
        return {}
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        log.warning("env-vars file %s not found; starting without overrides", path)
        return {}
    except (OSError, ValueError) as exc:
        log.error("env-vars file %s unreadable (%s); starting without overrides", path, exc)
        return {}
    return {key: value for key, value in data.items() if isinstance(value, dict)}


# --- building the model ----------------------------------------------------------------------


class _Builder:
    def __init__(self, template: dict[str, Any], env_file: dict[str, dict[str, Any]],
                 repo_root: Path, region: str) -> None:
        self.template = template
        self.env_file = env_file
        self.repo_root = repo_root
        self.region = region
        self.resolver = Resolver(template, env_file.get("Parameters", {}), region=region)
        self.resources: dict[str, Any] = template.get("Resources") or {}
        self.globals_fn: dict[str, Any] = (template.get("Globals") or {}).get("Function") or {}
        self.globals_api: dict[str, Any] = (template.get("Globals") or {}).get("HttpApi") or {}

    def _resources_of(self, type_name: str) -> dict[str, dict[str, Any]]:
        found = {}
        for logical_id, resource in self.resources.items():
            if not isinstance(resource, dict) or resource.get("Type") != type_name:
                continue
            condition = resource.get("Condition")
            if condition and not self.resolver.try_resolve({"Condition": condition}, True):
                continue
            found[logical_id] = resource.get("Properties") or {}
        return found

    def build(self) -> Model:
        apis = {lid: self._api(lid, props) for lid, props in self._resources_of("AWS::Serverless::HttpApi").items()}
        layers = self._layers()
        functions: dict[str, FunctionSpec] = {}
        routes: list[HttpRoute] = []
        msk: list[MskMapping] = []
        schedules: list[ScheduleSpec] = []
        for logical_id, props in self._resources_of("AWS::Serverless::Function").items():
            spec = self._function(logical_id, props, layers)
            if spec is None:
                continue
            functions[logical_id] = spec
            for event_name, event in (props.get("Events") or {}).items():
                self._event(logical_id, event_name, event, apis, routes, msk, schedules)
        return Model(functions, apis, routes, msk, schedules)

    # --- HttpApi ---

    def _api(self, logical_id: str, props: dict[str, Any]) -> HttpApiSpec:
        merged = {**self.globals_api, **props}
        auth = self.resolver.try_resolve(merged.get("Auth"), {}) or {}
        api = HttpApiSpec(logical_id=logical_id, default_authorizer=auth.get("DefaultAuthorizer"))
        for name, cfg in (auth.get("Authorizers") or {}).items():
            jwt_cfg = cfg.get("JwtConfiguration") or {}
            issuer = jwt_cfg.get("issuer") or jwt_cfg.get("Issuer")
            audience = jwt_cfg.get("audience") or jwt_cfg.get("Audience") or []
            if not issuer:
                log.warning("authorizer %s has no resolvable issuer; requests to it will be refused", name)
            api.authorizers[name] = JwtAuthorizerSpec(
                name=name,
                issuer=str(issuer or ""),
                audiences=[str(a) for a in (audience if isinstance(audience, list) else [audience])],
                identity_source=str(cfg.get("IdentitySource") or "$request.header.Authorization"),
            )
        api.cors = _cors(self.resolver.try_resolve(merged.get("CorsConfiguration")))
        return api

    # --- functions ---

    def _layers(self) -> dict[str, Path]:
        found = {}
        for lid, props in self._resources_of("AWS::Serverless::LayerVersion").items():
            content = self.resolver.try_resolve(props.get("ContentUri"))
            if isinstance(content, str):
                found[lid] = (self.repo_root / content).resolve()
        return found

    def _function(self, logical_id: str, props: dict[str, Any], layers: dict[str, Path]) -> FunctionSpec | None:
        merged = {**self.globals_fn, **props}
        code_uri = self.resolver.try_resolve(merged.get("CodeUri"))
        handler = self.resolver.try_resolve(merged.get("Handler"))
        if not isinstance(code_uri, str) or not isinstance(handler, str):
            log.warning("function %s skipped: needs a local CodeUri directory and a Handler", logical_id)
            return None
        name = self.resolver.try_resolve(props.get("FunctionName"))
        function_name = name if isinstance(name, str) else logical_id
        layer_dirs = []
        for layer in merged.get("Layers") or []:
            if isinstance(layer, dict) and layer.get("Ref") in layers:
                layer_dirs.append(layers[layer["Ref"]])
        return FunctionSpec(
            logical_id=logical_id,
            function_name=function_name,
            code_dir=(self.repo_root / code_uri).resolve(),
            handler=handler,
            runtime=str(self.resolver.try_resolve(merged.get("Runtime"), "python3.12")),
            timeout=int(self.resolver.try_resolve(merged.get("Timeout"), DEFAULT_TIMEOUT)),
            memory_size=int(self.resolver.try_resolve(merged.get("MemorySize"), DEFAULT_MEMORY)),
            environment=self._environment(logical_id, props),
            layer_dirs=layer_dirs,
            region=self.region,
            snap_start=_applies_snap_start(self.resolver.try_resolve(merged.get("SnapStart"))),
        )

    def _environment(self, logical_id: str, props: dict[str, Any]) -> dict[str, str]:
        declared: dict[str, Any] = {}
        for source in (self.globals_fn, props):
            declared.update(((source.get("Environment") or {}).get("Variables")) or {})
        env: dict[str, str] = {}
        for key, raw in declared.items():
            try:
                value = self.resolver.resolve(raw)
            except Unresolvable as exc:
                log.info("%s: env %s dropped (%s)", logical_id, key, exc)
                continue
            if isinstance(value, (str, int, float, bool)):
                env[key] = str(value).lower() if isinstance(value, bool) else str(value)
        # SAM semantics: "Parameters" overrides variables of that name in every function.
        for key, value in self.env_file.get("Parameters", {}).items():
            if key in env:
                env[key] = str(value)
        for key, value in self.env_file.get(logical_id, {}).items():
            env[key] = str(value)
        return env

    # --- events ---

    def _event(self, function_id: str, name: str, event: dict[str, Any], apis: dict[str, HttpApiSpec],
               routes: list[HttpRoute], msk: list[MskMapping], schedules: list[ScheduleSpec]) -> None:
        kind = event.get("Type")
        props = event.get("Properties") or {}
        if kind == "HttpApi":
            routes.append(self._route(function_id, props, apis))
        elif kind == "MSK":
            mapping = self._msk(function_id, name, props)
            if mapping:
                msk.append(mapping)
        elif kind in ("Schedule", "ScheduleV2"):
            expression = props.get("Schedule") if kind == "Schedule" else props.get("ScheduleExpression")
            expression = self.resolver.try_resolve(expression)
            if not isinstance(expression, str):
                log.warning("%s.%s: schedule expression unresolvable; skipped", function_id, name)
                return
            enabled = self.resolver.try_resolve(props.get("Enabled"), True)
            state = self.resolver.try_resolve(props.get("State"), "ENABLED")
            payload = self.resolver.try_resolve(props.get("Input"))
            schedules.append(ScheduleSpec(function_id, name, expression, kind,
                                          payload if isinstance(payload, str) else None,
                                          bool(enabled) and str(state).upper() != "DISABLED"))
        else:
            log.info("%s.%s: event type %s is not emulated", function_id, name, kind)

    def _route(self, function_id: str, props: dict[str, Any], apis: dict[str, HttpApiSpec]) -> HttpRoute:
        api_ref = props.get("ApiId")
        api_id = str(api_ref.get("Ref")) if isinstance(api_ref, dict) else IMPLICIT_API
        api = apis.setdefault(api_id, HttpApiSpec(logical_id=api_id))
        auth = self.resolver.try_resolve(props.get("Auth"), {}) or {}
        authorizer = auth.get("Authorizer", api.default_authorizer)
        if authorizer == "NONE":
            authorizer = None
        path = str(self.resolver.try_resolve(props.get("Path"), "$default"))
        method = str(self.resolver.try_resolve(props.get("Method"), "ANY")).upper()
        if method in ("*", "X-AMAZON-APIGATEWAY-ANY-METHOD"):
            method = "ANY"
        return HttpRoute(function_id, api_id, method, path, authorizer,
                         [str(s) for s in auth.get("AuthorizationScopes") or []])

    def _msk(self, function_id: str, name: str, props: dict[str, Any]) -> MskMapping | None:
        topics = self.resolver.try_resolve(props.get("Topics"), [])
        if not topics:
            log.warning("%s.%s: MSK event without topics; skipped", function_id, name)
            return None
        stream = self.resolver.try_resolve(props.get("Stream"))
        if not isinstance(stream, str):
            stream = f"arn:aws:kafka:{self.region}:{ACCOUNT_ID}:cluster/local/00000000-0000-0000-0000-000000000000-1"
        destination = self.resolver.try_resolve(
            ((props.get("DestinationConfig") or {}).get("OnFailure") or {}).get("Destination"))
        window = self.resolver.try_resolve(props.get("MaximumBatchingWindowInSeconds"), 0.5)
        retries = int(self.resolver.try_resolve(props.get("MaximumRetryAttempts"), INFINITE_RETRIES))
        if retries < 0 and isinstance(destination, str):
            retries = RETRIES_WITH_DESTINATION
        return MskMapping(
            function_id=function_id,
            event_name=name,
            stream_arn=stream,
            topics=[str(t) for t in topics],
            starting_position=str(self.resolver.try_resolve(props.get("StartingPosition"), "LATEST")).upper(),
            batch_size=int(self.resolver.try_resolve(props.get("BatchSize"), 100)),
            batching_window_s=float(window) if window else 0.5,
            consumer_group_id=_group_id(self.resolver.try_resolve(props.get("ConsumerGroupId"))),
            on_failure_destination=destination if isinstance(destination, str) else None,
            max_retries=retries,
            enabled=bool(self.resolver.try_resolve(props.get("Enabled"), True)),
        )


def _applies_snap_start(value: Any) -> bool:
    return isinstance(value, dict) and value.get("ApplyOn") == "PublishedVersions"


def _group_id(value: Any) -> str | None:
    # SAM accepts ConsumerGroupId directly or nested in AmazonManagedKafkaEventSourceConfig.
    return value if isinstance(value, str) and value else None


def _as_list(value: Any) -> list[str]:
    if value is None:
        return []
    return [str(v) for v in (value if isinstance(value, list) else [value])]


def _cors(raw: Any) -> CorsSpec | None:
    if raw is None or raw is False:
        return None
    if raw is True:
        return CorsSpec(allow_origins=["*"], allow_headers=["*"], allow_methods=["*"])
    if isinstance(raw, str):  # SAM shorthand: an origin
        return CorsSpec(allow_origins=[raw.strip("'")], allow_headers=["*"], allow_methods=["*"])
    max_age = raw.get("MaxAge")
    return CorsSpec(
        allow_origins=_as_list(raw.get("AllowOrigins")),
        allow_headers=[h.lower() for h in _as_list(raw.get("AllowHeaders"))],
        allow_methods=[m.upper() for m in _as_list(raw.get("AllowMethods"))],
        expose_headers=[h.lower() for h in _as_list(raw.get("ExposeHeaders"))],
        allow_credentials=bool(raw.get("AllowCredentials", False)),
        max_age=int(max_age) if max_age is not None else None,
    )


def load_model(template_path: str | Path, env_vars_path: str | Path | None = None,
               repo_root: str | Path = ".", region: str | None = None) -> Model:
    region = region or os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION") or "us-east-1"
    template = load_template_file(template_path)
    builder = _Builder(template, load_env_vars_file(env_vars_path), Path(repo_root).resolve(), region)
    return builder.build()
