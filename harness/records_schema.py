"""The JSON Schema of the journal's records, derived from harness.records (one source of truth).

``python -m harness.records_schema > harness/schema/journal.schema.json`` rewrites the shipped file;
a test holds the file and the dataclasses together.
"""

from __future__ import annotations

import json
from dataclasses import MISSING, fields
from types import UnionType
from typing import Any, Union, get_args, get_origin, get_type_hints

from harness.records import RECORD_TYPES


def _json_type(hint: Any) -> dict[str, Any]:
    origin, args = get_origin(hint), get_args(hint)
    if origin in (Union, UnionType):
        kinds = [_json_type(a)["type"] for a in args]
        return {"type": kinds}
    if origin is tuple or origin is list:
        items = {"type": "object"} if origin is tuple else _json_type(args[0])
        return {"type": "array", "items": items}
    if origin is dict:
        return {"type": "object"}
    simple = {str: "string", int: "integer", float: "number", bool: "boolean", type(None): "null"}
    return {"type": simple[hint]}


def schema() -> dict[str, Any]:
    variants = []
    for name, cls in sorted(RECORD_TYPES.items()):
        hints = get_type_hints(cls)
        props: dict[str, Any] = {"type": {"const": name}}
        required = ["type"]
        for f in fields(cls):  # type: ignore[arg-type]
            props[f.name] = _json_type(hints[f.name])
            if f.default is MISSING and f.default_factory is MISSING:
                required.append(f.name)
        variants.append({"type": "object", "required": required, "properties": props})
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "https://xcert.invalid/schema/journal-1.json",
        "title": "xcert journal record (one JSON object per line of journal/<host>.jsonl)",
        "description": "Derived from harness/records.py; unknown record types are ignored by readers.",
        "oneOf": variants,
    }


if __name__ == "__main__":
    print(json.dumps(schema(), indent=2, sort_keys=False))
