"""``--json``: what a command prints for a script, one JSON document on stdout, with its schema in the package.

Every command that prints results takes ``--json``; its document is described by a JSON Schema in
``harness/schema/`` (the table below, and docs/JSON.md). Progress, logs and warnings go to stderr, so
stdout holds the document alone: ``xcert lab status --json | jq .inventory`` works.
"""

from __future__ import annotations

import json
import sys
from importlib import resources
from typing import Any

#: command (as typed after ``xcert``) -> the schema of what its ``--json`` prints
SCHEMAS: dict[str, str] = {
    "certify": "certify-output.schema.json",
    "identify": "identify-output.schema.json",
    "checks": "checks-output.schema.json",
    "lab up": "lab-status-output.schema.json",
    "lab status": "lab-status-output.schema.json",
    "lab down": "lab-down-output.schema.json",
    "matrix": "matrix-output.schema.json",
    "diff": "diff-output.schema.json",
    "report": "report-output.schema.json",
    "keygen": "keygen-output.schema.json",
    "bundle": "bundle-output.schema.json",
    "verify": "verify-output.schema.json",
    "collect": "collect-output.schema.json",
}


def emit(document: Any) -> None:
    """Print one JSON document on stdout (UTF-8 as it is, one line per member)."""
    json.dump(document, sys.stdout, ensure_ascii=False, indent=1)
    sys.stdout.write("\n")
    sys.stdout.flush()


def schema(command: str) -> dict[str, Any]:
    """The JSON Schema of ``xcert <command> --json``'s output (KeyError for a command without one)."""
    text = resources.files("harness.schema").joinpath(SCHEMAS[command]).read_text(encoding="utf-8")
    data: dict[str, Any] = json.loads(text)
    return data


def validate(command: str, document: Any) -> list[str]:
    """Where ``document`` departs from the command's schema, as readable lines (empty when it conforms)."""
    import jsonschema

    validator = jsonschema.Draft202012Validator(schema(command))
    return [
        f"{'/'.join(str(p) for p in err.absolute_path) or '(root)'}: {err.message}"
        for err in sorted(validator.iter_errors(document), key=lambda e: list(e.absolute_path))
    ]
