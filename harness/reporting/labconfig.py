"""The testing lab's own facts for the report (ISO/IEC 17025 §7.8): a small TOML file.

::

    [lab]
    name = "Xinchuang Compatibility Lab"        # required
    address = "1 Example Road, Beijing, China"  # required
    location = "Rack B2, Beijing data centre"   # where the tests ran; required
    accreditation = "CNAS L0000"                # optional

    [report]
    applicant = "Example Systems Ltd."          # required: who asked for the tests
    authorised_by = "Wang Fang, Technical Manager"  # required: who authorises the report
    validity_months = 12                        # optional: shown only when set
    accept_snapshots = false                    # optional: refuse hosts certified from a snapshot

``--lab-config FILE`` (certify, report) checks it and keeps a copy in the run directory as
``lab.toml``, which every later rendering (and a bundle) uses. Without it, the report says the lab
is not configured: nothing is invented.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Callable
from pathlib import Path
from typing import Any

from harness.errors import InputError, Location
from harness.inputfile import keep_copy, read_text

RUN_FILE = "lab.toml"
#: a report's validity is shown as a date: beyond this many months a date is no longer meaningful (or computable)
MAX_MONTHS = 1200
MAX_TEXT = 500
_SCHEMA: dict[str, dict[str, tuple[type, bool]]] = {
    "lab": {"name": (str, True), "address": (str, True), "location": (str, True), "accreditation": (str, False)},
    "report": {
        "applicant": (str, True),
        "authorised_by": (str, True),
        "validity_months": (int, False),
        "accept_snapshots": (bool, False),
    },
}


def _line_of(text: str, key: str) -> int | None:
    match = re.search(rf"^[ \t]*\[?[ \t]*{re.escape(key)}[ \t]*[\]=]", text, re.MULTILINE)
    return text.count("\n", 0, match.start()) + 1 if match else None


def _months_problem(item: Any) -> str | None:
    if not isinstance(item, int) or isinstance(item, bool) or not 1 <= item <= MAX_MONTHS:
        return f"must be a whole number of months, from 1 to {MAX_MONTHS}"
    return None


def _flag_problem(item: Any) -> str | None:
    return None if isinstance(item, bool) else "must be true or false"


def _text_problem(item: Any) -> str | None:
    if not isinstance(item, str) or not item.strip():
        return "must be a non-empty text"
    if len(item) > MAX_TEXT or any(ord(c) < 32 and c not in "\t\n" for c in item):
        return f"must be a text of at most {MAX_TEXT} characters, no control characters"
    return None


#: what is wrong with a value of each kind (None: nothing)
_PROBLEM: dict[type, Callable[[Any], str | None]] = {int: _months_problem, bool: _flag_problem, str: _text_problem}


def _parse_toml(text: str, path: Path) -> dict[str, Any]:
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        found = re.search(r"line (\d+)", str(exc))
        raise InputError(
            Location(str(path), int(found.group(1)) if found else None), f"not valid TOML ({exc})"
        ) from None


def _section(text: str, path: Path, section: str, value: Any) -> dict[str, Any]:
    """One [section], every key known, of its kind, the required ones present."""
    if section not in _SCHEMA:
        raise InputError(Location(str(path), _line_of(text, section), section), "unknown section")
    if not isinstance(value, dict):
        raise InputError(Location(str(path), _line_of(text, section), section), "must be a [section]")
    fields = _SCHEMA[section]
    for key, item in value.items():
        where = Location(str(path), _line_of(text, key), f"{section}.{key}")
        if key not in fields:
            raise InputError(where, "unknown key")
        problem = _PROBLEM[fields[key][0]](item)
        if problem:
            raise InputError(where, problem)
    for key, (_, required) in fields.items():
        if required and key not in value:
            raise InputError(Location(str(path), _line_of(text, section), f"{section}.{key}"), "missing")
    return dict(value)


def parse_lab_config(text: str, path: Path) -> dict[str, Any]:
    config = {section: _section(text, path, section, value) for section, value in _parse_toml(text, path).items()}
    for section in _SCHEMA:
        if section not in config:
            raise InputError(Location(str(path), None, section), "missing section")
    return config


def load_lab_config(path: Path) -> dict[str, Any]:
    return parse_lab_config(read_text(path, "lab config"), path)


def install(path: Path, run_dir: Path) -> Path:
    """Check a lab config, then keep a copy in the run directory."""
    load_lab_config(path)
    return keep_copy(path, run_dir / RUN_FILE)


def refuse_snapshots(path: Path, hosts: list[tuple[str, str, str]]) -> None:
    """With ``accept_snapshots = false`` the lab certifies only hosts it observed itself: a host of
    ``hosts`` (name, connection, address) answered from a snapshot is bad input, before anything runs."""
    text = read_text(path, "lab config")
    if parse_lab_config(text, path)["report"].get("accept_snapshots", True):
        return
    for name, connection, address in hosts:
        if connection == "snapshot":
            raise InputError(
                Location(str(path), _line_of(text, "accept_snapshots"), "report.accept_snapshots"),
                f"host {name} would be certified from the snapshot {address}; this lab accepts only hosts it observes",
            )


def run_lab_config(run_dir: Path | None) -> dict[str, Any] | None:
    if run_dir is None or not (run_dir / RUN_FILE).is_file():
        return None
    return load_lab_config(run_dir / RUN_FILE)
