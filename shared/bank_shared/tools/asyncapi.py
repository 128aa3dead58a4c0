"""Writes or checks the message payloads of `api_spec/asyncapi.yaml` from the event models
(`bank_shared.events.schemas`).

The file's `components.messages` section (its last) is generated: per topic, a CloudEvent whose `data` is the
model's JSON Schema, exact (`required`, types, `additionalProperties: false`), written as JSON (valid YAML).
Channels, operations (publishers `send`, consumers `receive`) and the envelope schema above it are edited by
hand. `python -m bank_shared.tools.asyncapi write` regenerates (`make openapi`); `check` exits 1 on drift.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from bank_shared.events.schemas import EVENT_MODELS, FunctionLogLine
from bank_shared.events.topics import ALL_TOPICS, LOGS_APP

REPO_ROOT = Path(__file__).resolve().parents[3]
ASYNCAPI = REPO_ROOT / "api_spec" / "asyncapi.yaml"
MARKER = "  messages:\n"
HEADER = ("  # Generated from bank_shared/events/schemas.py by `make openapi` (python -m bank_shared.tools.asyncapi\n"
          "  # write): do not edit by hand below this line.\n")


def _inline(schema: Any, definitions: dict[str, Any]) -> Any:
    """The schema with every local $ref replaced by its definition and pydantic's titles dropped."""
    if isinstance(schema, dict):
        if "$ref" in schema:
            return _inline(definitions[schema["$ref"].rsplit("/", 1)[-1]], definitions)
        return {key: _inline(value, definitions) for key, value in schema.items()
                if key not in ("title", "$defs") and not (key == "default" and value is None)}
    if isinstance(schema, list):
        return [_inline(item, definitions) for item in schema]
    return schema


def data_schema(topic: str) -> dict[str, Any]:
    """The exact JSON Schema of `topic`'s `data`."""
    raw = EVENT_MODELS[topic].model_json_schema()
    schema: dict[str, Any] = _inline(raw, raw.get("$defs", {}))
    return schema


def _summary(topic: str) -> str:
    doc = (EVENT_MODELS[topic].__doc__ or "").strip()
    return doc.split("\n\n")[0].replace("\n", " ") if doc else f"The {topic} event."


def render_messages() -> str:
    lines = [MARKER, HEADER]
    for topic in ALL_TOPICS:
        envelope: dict[str, Any] = {"allOf": [{"$ref": "#/components/schemas/CloudEvent"},
                                              {"type": "object", "required": ["data"],
                                               "properties": {"type": {"const": topic}, "data": data_schema(topic)}}]}
        if topic == LOGS_APP:  # auth's security records (CloudEvents) and every function's own log lines
            envelope = {"oneOf": [envelope, FunctionLogLine.model_json_schema()]}
        payload = json.dumps(envelope, indent=2, sort_keys=True, ensure_ascii=False)
        indented = "\n".join("        " + line if i else line for i, line in enumerate(payload.splitlines()))
        lines.append(f"    {topic.replace('.', '_')}:\n")
        lines.append(f"      name: {topic}\n")
        lines.append(f"      summary: {json.dumps(_summary(topic), ensure_ascii=False)}\n")
        lines.append(f"      payload: {indented}\n")
    return "".join(lines)


def generated(text: str) -> str:
    head, found, _ = text.partition("\n" + MARKER)  # the section's own line, not a channel's `messages:`
    if not found:
        raise ValueError(f"{ASYNCAPI.name} has no `components.messages` section")
    return head + "\n" + render_messages()


def main(argv: list[str]) -> int:
    command = argv[0] if argv else "check"
    current = ASYNCAPI.read_text(encoding="utf-8")
    wanted = generated(current)
    if command == "write":
        ASYNCAPI.write_text(wanted, encoding="utf-8")
        print(f"wrote {ASYNCAPI.relative_to(REPO_ROOT)}")
        return 0
    if current != wanted:
        print(f"{ASYNCAPI.relative_to(REPO_ROOT)} differs from bank_shared/events/schemas.py: run `make openapi`")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
