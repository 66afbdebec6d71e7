"""matrix.json's JSON Schema (harness/schema/matrix.schema.json)."""

from __future__ import annotations

import functools
import json
from importlib import resources
from typing import Any


@functools.cache
def matrix_schema() -> dict[str, Any]:
    text = resources.files("harness.schema").joinpath("matrix.schema.json").read_text(encoding="utf-8")
    data: dict[str, Any] = json.loads(text)
    return data


def validate_matrix(matrix: dict[str, Any]) -> list[str]:
    import jsonschema

    validator = jsonschema.Draft202012Validator(matrix_schema())
    return [
        f"{'/'.join(str(p) for p in e.absolute_path) or '(root)'}: {e.message}"
        for e in sorted(validator.iter_errors(matrix), key=lambda e: list(e.absolute_path))
    ]
