"""YAML with the line of every key: bad input is reported as file, line and key."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from harness.errors import InputError, Location

#: a bundle or rule file larger than this is not a bundle (hostile input is bounded)
MAX_BYTES = 1 << 20

Path_ = tuple[str | int, ...]


def _walk(node: yaml.Node, path: Path_, lines: dict[Path_, int]) -> None:
    lines[path] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            name = key.value if isinstance(key, yaml.ScalarNode) else str(key.start_mark)
            _walk(value, (*path, name), lines)
            lines[(*path, name)] = key.start_mark.line + 1  # a key is reported on its own line
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            _walk(item, (*path, i), lines)


def load_with_lines(path: Path, what: str) -> tuple[Any, dict[Path_, int]]:
    """The document and {key path: line}; InputError (exit 3) naming the file and line when unreadable."""
    from harness.inputfile import read_text

    try:
        size = path.stat().st_size
    except OSError as exc:
        raise InputError(Location(str(path)), f"cannot read the {what} ({exc.strerror})") from None
    if size > MAX_BYTES:
        raise InputError(Location(str(path)), f"the {what} is larger than {MAX_BYTES} bytes")
    text = read_text(path, what)
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise InputError(Location(str(path), line), f"not valid YAML ({problem})") from None
    lines: dict[Path_, int] = {}
    if node is not None:
        _walk(node, (), lines)
    return data, lines


def line_of(lines: dict[Path_, int], path: Path_) -> int | None:
    """The line of ``path`` or of its nearest parent that has one."""
    while True:
        if path in lines:
            return lines[path]
        if not path:
            return None
        path = path[:-1]


def dotted(path: Path_) -> str:
    return ".".join(str(p) for p in path)
