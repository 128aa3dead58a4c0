"""Run the AWS SAM translator (the same library CloudFormation's Serverless transform runs) over
template.yaml, as a deploy of a stage would, and print the resulting CloudFormation resources as JSON.

Runs with the SAM CLI's interpreter (.local/venv-sam), not the project's: `python sam_translate.py
<template> <parameters.json> <scenarios.json>` (the template tests), or without scenarios.json for the
whole translated template (`make rehearse-deploy`, localstack/rehearsectl.py). What `sam package` does
first is imitated: every local CodeUri/ContentUri becomes an S3 URI named by a hash of the directory's
Python files, so two functions with the same CodeUri share one artifact and changed code gets a new key.
A scenario can stand in another hash for a directory ("what if the layer changed?").
AWS::LanguageExtensions, which CloudFormation applies before SAM, is imitated for the one thing the
template uses it for: Fn::If in DeletionPolicy.
"""

from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path
from typing import Any

from samcli.yamlhelper import yaml_parse
from samtranslator.translator.transform import transform


class _NoManagedPolicies:
    def load(self) -> dict[str, str]:
        return {}


def _artifact(root: Path, uri: str, overrides: dict[str, str]) -> str:
    if uri in overrides:
        return f"s3://artifacts/{overrides[uri]}"
    digest = hashlib.sha256()
    for path in sorted((root / uri).rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts:
            digest.update(str(path.relative_to(root)).encode())
            digest.update(path.read_bytes())
    return f"s3://artifacts/{digest.hexdigest()[:32]}"


def _language_extensions(template: dict[str, Any], parameters: dict[str, str]) -> None:
    conditions = template.get("Conditions", {})
    for resource in template["Resources"].values():
        for key in ("DeletionPolicy", "UpdateReplacePolicy"):
            value = resource.get(key)
            if isinstance(value, dict) and "Fn::If" in value:
                name, when_true, when_false = value["Fn::If"]
                resource[key] = when_true if _condition(conditions, name, parameters) else when_false


def _condition(conditions: dict[str, Any], name: str, parameters: dict[str, str]) -> bool:
    def evaluate(node: Any) -> Any:
        if isinstance(node, dict):
            (key, arg), = node.items()
            if key == "Ref":
                return parameters.get(arg, "")
            if key == "Fn::Equals":
                return str(evaluate(arg[0])) == str(evaluate(arg[1]))
            if key == "Fn::Not":
                return not evaluate(arg[0])
            if key == "Fn::And":
                return all(evaluate(a) for a in arg)
            if key == "Condition":
                return evaluate(conditions[arg])
        return node

    return bool(evaluate(conditions[name]))


def translate(template_path: Path, parameters: dict[str, str], overrides: dict[str, str]) -> dict[str, Any]:
    template = yaml_parse(template_path.read_text())
    template["Transform"] = "AWS::Serverless-2016-10-31"
    _language_extensions(template, parameters)
    for resource in template["Resources"].values():
        properties = resource.get("Properties") or {}
        for key in ("CodeUri", "ContentUri"):
            if isinstance(properties.get(key), str):
                properties[key] = _artifact(template_path.parent, properties[key], overrides)
    result: dict[str, Any] = transform(template, parameters, _NoManagedPolicies())
    return result


def main() -> None:
    template_path, parameters_file = Path(sys.argv[1]), Path(sys.argv[2])
    parameters = json.loads(parameters_file.read_text())
    if len(sys.argv) == 3:
        json.dump(translate(template_path, parameters, {}), sys.stdout, default=str)
        return
    scenarios_file = Path(sys.argv[3])
    scenarios = json.loads(scenarios_file.read_text())
    output = {name: translate(template_path, parameters, overrides)["Resources"]
              for name, overrides in scenarios.items()}
    json.dump(output, sys.stdout, default=str)


if __name__ == "__main__":
    main()
