"""Best-effort evaluation of CloudFormation intrinsic functions.

Locally there is no stack, so only what can be known before deployment resolves: parameters,
pseudo parameters, conditions, mappings and the string functions built from them. Anything that
needs a deployed resource (``!GetAtt``, ``!Ref`` to a resource, ``!ImportValue``) raises
:class:`Unresolvable`, and callers drop the value that contained it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

ACCOUNT_ID = "123456789012"
NO_VALUE = object()  # AWS::NoValue: the property is removed


class Unresolvable(Exception):
    """The value depends on something only a deployed stack knows."""


_SUB_VAR = re.compile(r"\$\{([^}]+)\}")


class Resolver:
    def __init__(
        self,
        template: Mapping[str, Any],
        parameter_overrides: Mapping[str, Any] | None = None,
        region: str = "us-east-1",
        stack_name: str = "local",
    ) -> None:
        self.template = template
        self.region = region
        self.stack_name = stack_name
        self.parameters = self._parameter_values(parameter_overrides or {})
        self._conditions: dict[str, bool] = {}

    def _parameter_values(self, overrides: Mapping[str, Any]) -> dict[str, Any]:
        values: dict[str, Any] = {}
        for name, spec in (self.template.get("Parameters") or {}).items():
            if name in overrides:
                values[name] = str(overrides[name])
            elif isinstance(spec, dict) and "Default" in spec:
                default = spec["Default"]
                # List parameters arrive as comma-separated strings, as in CloudFormation.
                values[name] = ",".join(map(str, default)) if isinstance(default, list) else str(default)
        return values

    # --- public API -------------------------------------------------------------------------

    def resolve(self, value: Any) -> Any:
        """Resolve every intrinsic inside ``value``; raises Unresolvable."""
        if isinstance(value, list):
            items = [self.resolve(item) for item in value]
            return [item for item in items if item is not NO_VALUE]
        if not isinstance(value, dict):
            return value
        if len(value) == 1:
            (key, arg), = value.items()
            if key == "Ref" or key.startswith("Fn::") or key == "Condition":
                return self._intrinsic(key, arg)
        resolved = {key: self.resolve(item) for key, item in value.items()}
        return {key: item for key, item in resolved.items() if item is not NO_VALUE}

    def try_resolve(self, value: Any, default: Any = None) -> Any:
        try:
            result = self.resolve(value)
        except Unresolvable:
            return default
        return default if result is NO_VALUE or result is None else result

    def condition(self, name: str) -> bool:
        if name not in self._conditions:
            spec = (self.template.get("Conditions") or {}).get(name)
            if spec is None:
                raise Unresolvable(f"unknown condition {name}")
            self._conditions[name] = bool(self.resolve(spec))
        return self._conditions[name]

    # --- intrinsics -------------------------------------------------------------------------

    def _intrinsic(self, key: str, arg: Any) -> Any:
        handler = getattr(self, "_fn_" + key.removeprefix("Fn::").lower(), None)
        if handler is None:
            raise Unresolvable(f"{key} cannot be evaluated locally")
        return handler(arg)

    def _fn_ref(self, name: Any) -> Any:
        pseudo = {
            "AWS::Region": self.region,
            "AWS::AccountId": ACCOUNT_ID,
            "AWS::StackName": self.stack_name,
            "AWS::StackId": f"arn:aws:cloudformation:{self.region}:{ACCOUNT_ID}:stack/{self.stack_name}/local",
            "AWS::Partition": "aws",
            "AWS::URLSuffix": "amazonaws.com",
        }
        if name == "AWS::NoValue":
            return NO_VALUE
        if name in pseudo:
            return pseudo[name]
        if name in self.parameters:
            return self._typed_parameter(name)
        raise Unresolvable(f"Ref {name}")

    def _typed_parameter(self, name: str) -> Any:
        spec = (self.template.get("Parameters") or {}).get(name) or {}
        kind = str(spec.get("Type", "String")) if isinstance(spec, dict) else "String"
        value = self.parameters[name]
        if kind == "CommaDelimitedList" or kind.startswith("List<"):
            return [item.strip() for item in str(value).split(",")]
        return value

    def _fn_getatt(self, arg: list[Any]) -> Any:
        """Only attributes knowable without deploying: an SQS queue's name and ARN."""
        resource_id, attribute = (self.resolve(a) for a in arg)
        resource = (self.template.get("Resources") or {}).get(resource_id) or {}
        if resource.get("Type") == "AWS::SQS::Queue" and attribute in ("Arn", "QueueName"):
            raw_name = (resource.get("Properties") or {}).get("QueueName")
            name = self.resolve(raw_name) if raw_name is not None else f"{self.stack_name}-{resource_id}"
            if attribute == "QueueName":
                return name
            return f"arn:aws:sqs:{self.region}:{ACCOUNT_ID}:{name}"
        raise Unresolvable(f"GetAtt {resource_id}.{attribute}")

    def _fn_sub(self, arg: Any) -> str:
        if isinstance(arg, list):
            text, variables = arg[0], {k: self.resolve(v) for k, v in (arg[1] or {}).items()}
        else:
            text, variables = arg, {}

        def replace(match: re.Match[str]) -> str:
            name = match.group(1)
            if name.startswith("!"):  # ${!Literal} is an escaped literal "${Literal}"
                return "${" + name[1:] + "}"
            if name in variables:
                return str(variables[name])
            if "." in name:
                return str(self._fn_getatt(name.split(".", 1)))
            value = self._fn_ref(name)
            return ",".join(value) if isinstance(value, list) else str(value)

        return _SUB_VAR.sub(replace, str(text))

    def _fn_join(self, arg: list[Any]) -> str:
        delimiter, items = arg
        resolved = self.resolve(items)
        if isinstance(resolved, str):
            return resolved
        return str(delimiter).join(str(item) for item in resolved)

    def _fn_select(self, arg: list[Any]) -> Any:
        index, items = self.resolve(arg[0]), self.resolve(arg[1])
        if isinstance(items, str):
            items = items.split(",")
        return items[int(index)]

    def _fn_split(self, arg: list[Any]) -> list[str]:
        return str(self.resolve(arg[1])).split(str(arg[0]))

    def _fn_if(self, arg: list[Any]) -> Any:
        name, when_true, when_false = arg
        return self.resolve(when_true if self.condition(name) else when_false)

    def _fn_equals(self, arg: list[Any]) -> bool:
        left, right = (self.resolve(item) for item in arg)
        return str(left) == str(right)

    def _fn_not(self, arg: list[Any]) -> bool:
        return not self.resolve(arg[0])

    def _fn_and(self, arg: list[Any]) -> bool:
        return all(self.resolve(item) for item in arg)

    def _fn_or(self, arg: list[Any]) -> bool:
        return any(self.resolve(item) for item in arg)

    def _fn_condition(self, name: Any) -> bool:
        return self.condition(str(name))

    def _fn_findinmap(self, arg: list[Any]) -> Any:
        mapping, first, second = (self.resolve(item) for item in arg[:3])
        try:
            return self.template["Mappings"][mapping][first][second]
        except (KeyError, TypeError) as exc:
            raise Unresolvable(f"FindInMap {mapping}/{first}/{second}") from exc

    def _fn_base64(self, arg: Any) -> str:
        import base64

        return base64.b64encode(str(self.resolve(arg)).encode()).decode()
