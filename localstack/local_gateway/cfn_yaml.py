"""YAML loading for CloudFormation/SAM templates.

CloudFormation's short-form tags (``!Ref``, ``!Sub``, ``!GetAtt`` ...) are turned into their
long JSON form (``{"Ref": ...}``, ``{"Fn::Sub": ...}``) so the rest of the emulator only deals with
one representation. Any unknown ``!Tag`` becomes ``{"Fn::Tag": value}`` instead of failing.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml


class _CfnLoader(yaml.SafeLoader):
    """SafeLoader that tolerates every CloudFormation tag."""


def _node_value(loader: yaml.Loader, node: yaml.Node) -> Any:
    if isinstance(node, yaml.ScalarNode):
        return loader.construct_scalar(node)
    if isinstance(node, yaml.SequenceNode):
        return loader.construct_sequence(node, deep=True)
    return loader.construct_mapping(node, deep=True)  # type: ignore[arg-type]


def _construct_tag(loader: yaml.Loader, tag_suffix: str, node: yaml.Node) -> Any:
    value = _node_value(loader, node)
    if tag_suffix == "Ref":
        return {"Ref": value}
    if tag_suffix == "Condition":
        return {"Condition": value}
    if tag_suffix == "GetAtt" and isinstance(value, str):
        # `!GetAtt Res.Attr` is the short form of ["Res", "Attr"]; attributes may contain dots.
        resource, _, attribute = value.partition(".")
        return {"Fn::GetAtt": [resource, attribute]}
    return {f"Fn::{tag_suffix}": value}


_CfnLoader.add_multi_constructor("!", _construct_tag)


def _timestamp_as_string(loader: yaml.Loader, node: yaml.Node) -> Any:
    # CloudFormation keeps dates such as AWSTemplateFormatVersion as strings.
    return loader.construct_scalar(node)  # type: ignore[arg-type]


_CfnLoader.add_constructor("tag:yaml.org,2002:timestamp", _timestamp_as_string)


def load_template_text(text: str) -> dict[str, Any]:
    data = yaml.load(text, Loader=_CfnLoader)  # noqa: S506 - SafeLoader subclass
    if not isinstance(data, dict):
        raise ValueError("template is not a mapping")
    return data


def load_template_file(path: str | Path) -> dict[str, Any]:
    return load_template_text(Path(path).read_text(encoding="utf-8"))
