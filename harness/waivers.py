"""Waivers: a written acceptance of a known failure, with a justification, an approver and an expiry.

A waiver file is YAML::

    waivers:
      - check: XC-OS-002            # the check id (a built-in check, or a user check: ACME-WEB-001, USER-<slug>)
        hosts: "db-*"               # fnmatch pattern over inventory host names (default "*")
        justification: "GB18030-2022 is provided by the application's own iconv"
        expiry: 2027-06-30          # the last day the waiver applies
        approver: "Li Wei, QA lead"

A check declared ``waivable=False`` (identity and consistency: what the host *is*) cannot be waived:
a waiver naming one is refused as bad input. A waiver turns a ``fail`` into ``waived``; from the day after its expiry it stops applying (the
check stays ``fail``) and the check still carries the waiver, marked ``expired``, so the report
can say so. ``xcert certify/report --waivers FILE`` copies the file into the run directory as
``waivers.yml``: results.json can then be rebuilt (and bundled) without the original file.
"""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from harness.errors import InputError, Location
from harness.inputfile import keep_copy, read_text
from harness.waivable import non_waivable

RUN_FILE = "waivers.yml"
_KEYS = {"check", "hosts", "justification", "expiry", "approver"}
_REQUIRED = ("check", "justification", "expiry", "approver")
_CHECK_ID = re.compile(r"^XC-[A-Z]+-\d{3}$")
#: an advisory user check's id (harness.usersuite.ids: lower-case slug)
_USER_SLUG_ID = re.compile(r"^USER-[a-z0-9][a-z0-9-]{0,80}$")


@dataclass(frozen=True)
class Waiver:
    check: str
    host_pattern: str
    justification: str
    expiry: date
    approver: str

    def matches(self, host: str, check_id: str) -> bool:
        return check_id == self.check and fnmatch.fnmatchcase(host, self.host_pattern)

    def expired(self, today: date) -> bool:
        return today > self.expiry

    def as_result(self, today: date) -> dict[str, Any]:
        return {
            "id": self.check,
            "host_pattern": self.host_pattern,
            "justification": self.justification,
            "expiry": self.expiry.isoformat(),
            "approver": self.approver,
            "expired": self.expired(today),
        }


def _scalar(node: Any, path: Path, key: str) -> str:
    import yaml

    if not isinstance(node, yaml.ScalarNode) or not str(node.value).strip():
        raise InputError(Location(str(path), node.start_mark.line + 1, key), "must be a non-empty text")
    return str(node.value).strip()


def _compose(text: str, path: Path) -> Any:
    """The YAML node tree of a waiver file (None when empty)."""
    import yaml

    try:
        return yaml.compose(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        raise InputError(Location(str(path), line), f"not valid YAML ({getattr(exc, 'problem', exc)})") from None


def _entries(root: Any, path: Path) -> list[Any]:
    """The nodes of the top-level ``waivers`` list; any other top-level key is refused."""
    import yaml

    if root is None:
        return []
    if not isinstance(root, yaml.MappingNode):
        raise InputError(Location(str(path), root.start_mark.line + 1), "expected a mapping with a 'waivers' list")
    entries: Any = None
    for key_node, value_node in root.value:
        if key_node.value != "waivers":
            raise InputError(Location(str(path), key_node.start_mark.line + 1, key_node.value), "unknown key")
        entries = value_node
    if entries is None:
        return []
    if not isinstance(entries, yaml.SequenceNode):
        raise InputError(Location(str(path), entries.start_mark.line + 1, "waivers"), "must be a list")
    return list(entries.value)


def _check_value(key: str, value: str, where: Location) -> None:
    """Refuse an expiry that is not a date, and a check that is no check id or cannot be waived."""
    if key == "expiry":
        try:
            date.fromisoformat(value)
        except ValueError:
            raise InputError(where, f"not a date (YYYY-MM-DD): {value!r}") from None
    if key == "check":
        _check_id(value, where)
    if key == "check" and value in non_waivable():
        raise InputError(
            where,
            f"{value} cannot be waived: it checks what the host is (identity and consistency checks are not waivable)",
        )


def _check_id(value: str, where: Location) -> None:
    """A built-in check the suites declare, or a user check's id (its suite is only known at certify time)."""
    from harness.usersuite.declare import USER_ID
    from harness.waivable import known_checks

    if _CHECK_ID.match(value):
        if value not in known_checks():
            raise InputError(where, f"no such check: {value!r} (xcert checks lists them)")
        return
    if not (USER_ID.match(value) or _USER_SLUG_ID.match(value)):
        raise InputError(where, f"not a check id (XC-<LAYER>-<NNN>, or a user check's id): {value!r}")


def _waiver(item: Any, path: Path, where: str) -> Waiver:
    """One entry of the list, every key known, checked and present."""
    import yaml

    if not isinstance(item, yaml.MappingNode):
        raise InputError(Location(str(path), item.start_mark.line + 1, where), "must be a mapping")
    fields: dict[str, str] = {}
    for key_node, value_node in item.value:
        key = str(key_node.value)
        if key not in _KEYS:
            raise InputError(Location(str(path), key_node.start_mark.line + 1, f"{where}.{key}"), "unknown key")
        fields[key] = _scalar(value_node, path, f"{where}.{key}")
        _check_value(key, fields[key], Location(str(path), value_node.start_mark.line + 1, f"{where}.{key}"))
    for key in _REQUIRED:
        if key not in fields:
            raise InputError(Location(str(path), item.start_mark.line + 1, f"{where}.{key}"), "missing")
    return Waiver(
        check=fields["check"],
        host_pattern=fields.get("hosts", "*"),
        justification=fields["justification"],
        expiry=date.fromisoformat(fields["expiry"]),
        approver=fields["approver"],
    )


def parse_waivers(text: str, path: Path) -> list[Waiver]:
    """Waivers of a YAML text; bad input raises InputError naming file, line and key."""
    entries = _entries(_compose(text, path), path)
    return [_waiver(item, path, f"waivers[{index}]") for index, item in enumerate(entries)]


def load_waivers(path: Path) -> list[Waiver]:
    return parse_waivers(read_text(path, "waiver file"), path)


def install(path: Path, run_dir: Path) -> Path:
    """Check a waiver file, then keep a copy in the run directory (what results.json is built from)."""
    load_waivers(path)
    return keep_copy(path, run_dir / RUN_FILE)


def load_run_waivers(run_dir: Path) -> list[Waiver]:
    path = run_dir / RUN_FILE
    return load_waivers(path) if path.is_file() else []


def apply_waivers(
    host: str, checks: Iterable[dict[str, Any]], waivers: list[Waiver], today: date | None = None
) -> None:
    """Turn each failed check a live waiver covers into ``waived``; mark an expired one on the check.

    A live waiver is preferred over an expired one for the same check.
    """
    today = today or datetime.now(UTC).date()
    for check in checks:
        if check.get("outcome") != "fail" or str(check.get("id", "")) in non_waivable():
            continue
        matching = [w for w in waivers if w.matches(host, str(check.get("id", "")))]
        if not matching:
            continue
        live = [w for w in matching if not w.expired(today)]
        chosen = live[0] if live else matching[0]
        check["waiver"] = chosen.as_result(today)
        if live:
            check["outcome"] = "waived"
