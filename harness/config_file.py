"""Defaults for ``xcert certify`` from ``xcert.toml`` or ``[tool.xcert]`` in ``pyproject.toml``.

Looked up in the working directory (``XCERT_CONFIG`` names a file instead)::

    # xcert.toml                         # or, in pyproject.toml: [tool.xcert]
    inventories = ["inventories/prod"]   # relative to this file
    profile = "full"
    forks = 10
    languages = ["en", "zh"]
    formats = ["json", "junit", "html", "pdf"]
    lab_config = "lab.toml"
    waivers = "waivers.yml"
    suites = ["molecule/default/tests"]  # --suite folders

The command line wins over the file, the file over xcert's own defaults. A key xcert does not
know, or a value of the wrong kind, is bad input naming the file, line and key.
"""

from __future__ import annotations

import os
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from harness.errors import InputError, Location
from harness.inventory_keys import did_you_mean

FILE = "xcert.toml"
#: key -> (kind, what it is)
KEYS: dict[str, tuple[type, str]] = {
    "inventories": (list, "a list of inventory paths or host lists"),
    "limit": (str, "an Ansible host pattern"),
    "profile": (str, "quick, full or disruptive"),
    "forks": (int, "a number of hosts checked at once"),
    "languages": (list, "a list of report languages"),
    "formats": (list, "a list of report formats"),
    "lab_config": (str, "a lab config path"),
    "waivers": (str, "a waiver file path"),
    "suites": (list, "a list of user suite folders (--suite)"),
}
PATH_KEYS = ("lab_config", "waivers")


@dataclass(frozen=True)
class Config:
    path: Path | None = None
    values: Mapping[str, Any] = field(default_factory=dict)

    def get(self, key: str) -> Any:
        return self.values.get(key)


def _line_of(text: str, key: str) -> int | None:
    for number, line in enumerate(text.splitlines(), start=1):
        if line.strip().startswith(f"{key}") and "=" in line and line.split("=")[0].strip() == key:
            return number
    return None


def _find(cwd: Path) -> tuple[Path, str] | None:
    named = os.environ.get("XCERT_CONFIG")
    if named:
        path = Path(named)
        if not path.is_file():
            raise InputError(Location(str(path)), "configuration file not found (XCERT_CONFIG)")
        return path, "tool.xcert" if path.name == "pyproject.toml" else ""
    if (cwd / FILE).is_file():
        return cwd / FILE, ""
    if (cwd / "pyproject.toml").is_file():
        return cwd / "pyproject.toml", "tool.xcert"
    return None


def _read(path: Path) -> tuple[str, Any]:
    """The file's text and its TOML document."""
    try:
        text = path.read_text(encoding="utf-8")
        return text, tomllib.loads(text)
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(Location(str(path)), f"cannot be read ({exc})") from None
    except tomllib.TOMLDecodeError as exc:
        found_line = re.search(r"at line (\d+)", str(exc))
        line = getattr(exc, "lineno", None) or (int(found_line.group(1)) if found_line else None)
        raise InputError(Location(str(path), line), f"not valid TOML ({exc})") from None


def _table(data: Any, path: Path, table: str) -> Mapping[str, Any] | None:
    """The xcert table of the document (None for a pyproject.toml without [tool.xcert])."""
    if not table:
        return dict(data)
    found = data.get("tool", {}).get("xcert")
    if found is not None and not isinstance(found, Mapping):
        raise InputError(Location(str(path), key=table), "must be a table")
    return found


def _checked(key: str, value: Any, where: Location) -> None:
    """Refuse a key xcert does not know, or a value of the wrong kind."""
    if key not in KEYS:
        raise InputError(where, f"unknown key{did_you_mean(key, KEYS)}")
    kind, what = KEYS[key]
    ok = isinstance(value, kind) and not (kind is int and isinstance(value, bool))
    if ok and kind is list:
        ok = all(isinstance(v, str) and v for v in value)
    if not ok or (kind is str and not value):
        raise InputError(where, f"must be {what}")
    if kind is int and value < 1:
        raise InputError(where, "must be at least 1")


def _resolved(key: str, value: Any, base: Path) -> Any:
    """Paths in the file are relative to it; host lists and URLs stay as written."""
    if key in PATH_KEYS:
        return str(base / value) if not Path(value).is_absolute() else value
    if key == "suites":
        return [v if Path(v).is_absolute() else str(base / v) for v in value]
    if key == "inventories":
        from harness.inventory_guard import is_host_list

        return [v if is_host_list(v) or "://" in v or Path(v).is_absolute() else str(base / v) for v in value]
    return value


def load_config(cwd: Path | None = None) -> Config:
    """The defaults file of the working directory (an empty Config when there is none)."""
    found = _find(cwd or Path.cwd())
    if found is None:
        return Config()
    path, table = found
    text, document = _read(path)
    data = _table(document, path, table)
    if data is None:
        return Config()  # a pyproject.toml without [tool.xcert]
    prefix = f"{table}." if table else ""
    values: dict[str, Any] = {}
    for key, value in data.items():
        _checked(key, value, Location(str(path), _line_of(text, key), f"{prefix}{key}"))
        values[key] = _resolved(key, value, path.parent)
    return Config(path=path, values=values)


__all__ = ["FILE", "KEYS", "Config", "load_config"]
