"""template.yaml as a deploy would see it: parameters from samconfig.toml per stage, conditions evaluated,
and every value reduced to where it comes from (which parameters, which resources, which literal text).

Used by the template tests to prove wiring without an AWS account: a value "comes from the template" when
it names a parameter set for the stage or a resource the template creates; a local default never does.
"""

from __future__ import annotations

import re
import shlex
import tomllib
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from local_gateway.cfn_yaml import load_template_file

REPO = Path(__file__).resolve().parents[2]
TEMPLATE = REPO / "template.yaml"
SAMCONFIG = REPO / "samconfig.toml"
_SUB_VAR = re.compile(r"\$\{([^}]+)\}")
PSEUDO = {"AWS::Region": "eu-central-1", "AWS::AccountId": "123456789012", "AWS::Partition": "aws",
          "AWS::URLSuffix": "amazonaws.com", "AWS::StackName": "bank-prod"}


@lru_cache(maxsize=1)
def template() -> dict[str, Any]:
    return load_template_file(TEMPLATE)


def resources() -> dict[str, Any]:
    value: dict[str, Any] = template()["Resources"]
    return value


@lru_cache(maxsize=4)
def samconfig_parameters(stage: str) -> dict[str, str]:
    """`parameter_overrides` of the stage's deploy section, parsed as SAM CLI does (shell words, k=v)."""
    config = tomllib.loads(SAMCONFIG.read_text())
    overrides = config[stage]["deploy"]["parameters"].get("parameter_overrides", "")
    words = shlex.split(overrides) if isinstance(overrides, str) else list(overrides)
    return dict(word.split("=", 1) for word in words)


def parameter_values(stage: str) -> dict[str, str]:
    """What CloudFormation would use: samconfig's overrides, else the parameter's default."""
    values: dict[str, str] = {}
    overrides = samconfig_parameters(stage)
    for name, spec in template()["Parameters"].items():
        if name in overrides:
            values[name] = overrides[name]
        elif "Default" in spec:
            values[name] = str(spec["Default"])
    return values


@dataclass(frozen=True)
class Origin:
    """Where a value comes from: its text (parameters substituted, resources as <Id.Attr>) and its sources."""

    text: str
    parameters: frozenset[str] = field(default_factory=frozenset)
    resources: frozenset[str] = field(default_factory=frozenset)

    @property
    def is_literal(self) -> bool:
        return not self.parameters and not self.resources


class Unset(Exception):
    """The value is AWS::NoValue (or a parameter without a value)."""


class Resolver:
    def __init__(self, stage: str) -> None:
        self.stage = stage
        self.values = parameter_values(stage)
        self._conditions: dict[str, bool] = {}

    # --- conditions ---

    def condition(self, name: str) -> bool:
        if name not in self._conditions:
            self._conditions[name] = bool(self._evaluate(template()["Conditions"][name]))
        return self._conditions[name]

    def _evaluate(self, node: Any) -> Any:
        if not isinstance(node, dict) or len(node) != 1:
            return node
        (key, arg), = node.items()
        if key == "Fn::Equals":
            left, right = (self._evaluate(item) for item in arg)
            return str(left) == str(right)
        if key == "Fn::Not":
            return not self._evaluate(arg[0])
        if key == "Fn::And":
            return all(self._evaluate(item) for item in arg)
        if key == "Fn::Or":
            return any(self._evaluate(item) for item in arg)
        if key == "Condition":
            return self.condition(arg)
        if key == "Ref":
            return self.values.get(arg, PSEUDO.get(arg, ""))
        if key == "Fn::Join":
            return str(arg[0]).join(str(self._evaluate(item)) for item in self._evaluate(arg[1]))
        raise AssertionError(f"condition function {key} not handled")

    # --- values ---

    def pick(self, node: Any) -> Any:
        """Resolve only the Fn::If choices (keeping every other intrinsic as it is)."""
        if isinstance(node, list):
            return [self.pick(item) for item in node]
        if isinstance(node, dict):
            if set(node) == {"Fn::If"}:
                name, when_true, when_false = node["Fn::If"]
                return self.pick(when_true if self.condition(name) else when_false)
            return {key: self.pick(value) for key, value in node.items()}
        return node

    def origin(self, node: Any) -> Origin:
        node = self.pick(node)
        if isinstance(node, (str, int, float, bool)):
            return Origin(str(node))
        if not isinstance(node, dict) or len(node) != 1:
            raise AssertionError(f"cannot trace {node!r}")
        (key, arg), = node.items()
        if key == "Ref":
            if arg == "AWS::NoValue":
                raise Unset(arg)
            if arg in PSEUDO:
                return Origin(PSEUDO[arg])
            if arg in template()["Parameters"]:
                if arg not in self.values:
                    raise Unset(arg)
                return Origin(self.values[arg], parameters=frozenset({arg}))
            base = arg.split(".")[0]  # SAM's <Function>.Version / .Alias
            return Origin(f"<{arg}>", resources=frozenset({base}))
        if key == "Fn::GetAtt":
            resource, attribute = arg if isinstance(arg, list) else arg.split(".", 1)
            return Origin(f"<{resource}.{attribute}>", resources=frozenset({resource}))
        if key == "Fn::Sub":
            text, variables = (arg, {}) if isinstance(arg, str) else (arg[0], arg[1])
            return self._sub(text, variables)
        if key == "Fn::Join":
            parts = [self.origin(item) for item in self.pick(arg[1])]
            return _combine(str(arg[0]).join(part.text for part in parts), parts)
        if key == "Fn::Select":
            return self.origin(self.pick(arg[1])[int(arg[0])])
        raise AssertionError(f"intrinsic {key} not handled")

    def _sub(self, text: str, variables: dict[str, Any]) -> Origin:
        parts: list[Origin] = []

        def replace(match: re.Match[str]) -> str:
            name = match.group(1)
            if name.startswith("!"):
                return "${" + name[1:] + "}"
            if name in variables:
                part = self.origin(variables[name])
            elif "." in name and name not in PSEUDO:
                resource, attribute = name.split(".", 1)
                part = Origin(f"<{resource}.{attribute}>", resources=frozenset({resource}))
            else:
                part = self.origin({"Ref": name})
            parts.append(part)
            return part.text

        return _combine(_SUB_VAR.sub(replace, text), parts)


def _combine(text: str, parts: list[Origin]) -> Origin:
    return Origin(text, frozenset().union(*(p.parameters for p in parts)) if parts else frozenset(),
                  frozenset().union(*(p.resources for p in parts)) if parts else frozenset())


# --- functions -------------------------------------------------------------------------------------


def functions() -> dict[str, dict[str, Any]]:
    return {logical_id: resource for logical_id, resource in resources().items()
            if resource.get("Type") == "AWS::Serverless::Function"}


def service_function_id(service: str) -> str:
    return f"{service.capitalize()}Function"


def function_environment(logical_id: str) -> dict[str, Any]:
    """Globals' variables overlaid by the function's own (SAM merges Environment.Variables so)."""
    merged: dict[str, Any] = {}
    globals_fn = template().get("Globals", {}).get("Function", {})
    for source in (globals_fn, functions()[logical_id]["Properties"]):
        merged.update(((source.get("Environment") or {}).get("Variables")) or {})
    return merged


def function_property(logical_id: str, name: str) -> Any:
    """A function property as SAM sees it: the function's own value, else the Globals value."""
    own = functions()[logical_id]["Properties"]
    if name in own:
        return own[name]
    return template().get("Globals", {}).get("Function", {}).get(name)


def policy_statements(logical_id: str) -> list[dict[str, Any]]:
    """Inline `Statement` policies of a function (SAM policy templates are returned as {template: args})."""
    found: list[dict[str, Any]] = []
    for policy in functions()[logical_id]["Properties"].get("Policies") or []:
        if isinstance(policy, dict) and "Statement" in policy:
            statements = policy["Statement"]
            found += statements if isinstance(statements, list) else [statements]
    return found


def policy_templates(logical_id: str) -> list[tuple[str, dict[str, Any]]]:
    return [next(iter(policy.items())) for policy in functions()[logical_id]["Properties"].get("Policies") or []
            if isinstance(policy, dict) and "Statement" not in policy]


def as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def depends_on(logical_id: str) -> list[str]:
    return [str(item) for item in as_list(resources()[logical_id].get("DependsOn") or [])]
