"""A run directory read back is data from someone else: run.json and every journal record checked first.

``xcert report`` and ``xcert bundle`` take run directories that may have been edited by hand or by an
attacker. Before results are built from them, every value the results builder and the reports use
is checked for its type and range here; the first bad one is one line naming the file, the line and
the key (exit 3), never a traceback. Slugs name files: they must be plain names.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from harness.errors import InputError, Location
from harness.journal import MAX_LINE, _lines
from harness.outcomes import Outcome, Severity

SLUG = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9._-]{0,79}$")
_OUTCOMES = frozenset(str(o) for o in Outcome)
_SEVERITIES = frozenset(str(s) for s in Severity)
Check = Callable[[Any], str | None]  # None: fine; else what is wrong


def _text(value: Any) -> str | None:
    return None if isinstance(value, str) and len(value) <= MAX_LINE else "must be a text"


def _opt_text(value: Any) -> str | None:
    return None if value is None else _text(value)


def _number(value: Any) -> str | None:
    return None if isinstance(value, int | float) and not isinstance(value, bool) else "must be a number"


def _flag(value: Any) -> str | None:
    return None if isinstance(value, bool) else "must be true or false"


def _texts(value: Any) -> str | None:
    return None if isinstance(value, list) and all(isinstance(v, str) for v in value) else "must be a list of texts"


def _mapping(value: Any) -> str | None:
    return None if isinstance(value, dict) and all(isinstance(k, str) for k in value) else "must be an object"


def _text_map(value: Any) -> str | None:
    ok = isinstance(value, dict) and all(isinstance(k, str) and isinstance(v, str) for k, v in value.items())
    return None if ok else "must map names to texts"


def _one_of(allowed: frozenset[str]) -> Check:
    def check(value: Any) -> str | None:
        return None if isinstance(value, str) and value in allowed else f"must be one of {', '.join(sorted(allowed))}"

    return check


def _slug(value: Any) -> str | None:
    return (
        None if isinstance(value, str) and SLUG.match(value) else "must be a plain file name (letters, digits, . _ -)"
    )


def _measurements(value: Any) -> str | None:
    if not isinstance(value, dict):
        return "must be an object"
    for item in value.values():
        if not isinstance(item, dict) or not isinstance(item.get("unit", ""), str):
            return "each measurement must be an object with a value and a unit"
        if not isinstance(item.get("value"), int | float | str | bool | type(None)):
            return "a measurement's value must be a number or a text"
    return None


def _plan_checks(value: Any) -> str | None:
    if not isinstance(value, list):
        return "must be a list of checks"
    for item in value:
        if (
            not isinstance(item, dict)
            or _text(item.get("id"))
            or _one_of(_SEVERITIES)(item.get("severity", "advisory"))
        ):
            return "each check must be an object with an id and a severity"
        for key in ("layer", "title", "requirement", "remedy", "subject"):
            if key in item and _text(item[key]):
                return f"a check's {key} must be a text"
    return None


def _identity(value: Any) -> str | None:
    if not isinstance(value, dict) or not all(isinstance(v, dict) for v in value.values()):
        return "must map layers to components"
    return None


#: record type -> key -> (check, required)
RECORDS: dict[str, dict[str, tuple[Check, bool]]] = {
    "plan": {"checks": (_plan_checks, True)},
    "facts": {"identity": (_identity, False), "summary": (_mapping, False), "evidence": (_texts, False)},
    "check": {
        "id": (_text, True),
        "outcome": (_one_of(_OUTCOMES), True),
        "severity": (_one_of(_SEVERITIES), False),
        "subject": (_text, False),
        "layer": (_text, False),
        "title": (_text, False),
        "message": (_text, False),
        "message_key": (_text, False),
        "message_args": (_mapping, False),
        "measurements": (_measurements, False),
        "evidence": (_texts, False),
        "duration_s": (_number, False),
        "started": (_opt_text, False),
    },
    "unreachable": {"reason": (_text, False), "detail": (_text, False), "time": (_opt_text, False)},
    "provision": {
        "action": (_text, False),
        "ok": (_flag, False),
        "unreachable": (_flag, False),
        "task": (_opt_text, False),
        "message": (_text, False),
        "message_key": (_text, False),
        "message_args": (_mapping, False),
        "evidence": (_texts, False),
    },
}
#: any record may carry these
COMMON: dict[str, tuple[Check, bool]] = {
    "type": (_text, True),
    "time": (_opt_text, False),
    "started": (_opt_text, False),
}

def _selection(value: Any) -> str:
    if not isinstance(value, dict) or set(value) - {"k", "m", "checks"}:
        return "must be an object with k, m and checks"
    if any(not isinstance(value.get(k, ""), str) or len(value.get(k, "")) > 1000 for k in ("k", "m")):
        return "k and m must be texts"
    checks = value.get("checks", [])
    if not isinstance(checks, list) or len(checks) > 1000 or not all(isinstance(c, str) and len(c) < 200 for c in checks):
        return "checks must be a list of check ids"
    return ""


RUN_META: dict[str, tuple[Check, bool]] = {
    "run_id": (_text, True),
    "started": (_text, True),
    "finished": (_opt_text, False),
    "profile": (_text, True),
    "langs": (_texts, False),
    "inventories": (_texts, False),
    "limit": (_opt_text, False),
    "interrupted": (_flag, False),
    "resumed": (_texts, False),
    "forks": (_number, False),
    "selection": (_selection, False),
}
HOST_META: dict[str, tuple[Check, bool]] = {
    "name": (_text, True),
    "slug": (_slug, True),
    "address": (_opt_text, False),
    "connection": (_opt_text, False),
    "user": (_opt_text, False),
    "lab": (_flag, False),
    "become": (_flag, False),
    "declared": (_text_map, False),
    "source": (_opt_text, False),
}
TOOL: dict[str, tuple[Check, bool]] = {"name": (_text, True), "version": (_text, True), "suite_digest": (_text, True)}


def _against(data: Mapping[str, Any], spec: Mapping[str, tuple[Check, bool]], where: Callable[[str], Location]) -> None:
    for key, (check, required) in spec.items():
        if key not in data:
            if required:
                raise InputError(where(key), "missing")
            continue
        problem = check(data[key])
        if problem:
            raise InputError(where(key), problem)


def check_run_meta(meta: Mapping[str, Any], path: Path) -> None:
    """run.json as the results builder reads it; an InputError names the key."""
    _against(meta, RUN_META, lambda key: Location(str(path), key=key))
    tool = meta.get("tool")
    if not isinstance(tool, dict):
        raise InputError(Location(str(path), key="tool"), "must be an object (name, version, suite_digest)")
    _against(tool, TOOL, lambda key: Location(str(path), key=f"tool.{key}"))
    hosts = meta.get("hosts")
    if not isinstance(hosts, list):
        raise InputError(Location(str(path), key="hosts"), "must be a list of hosts")
    slugs: set[str] = set()
    for index, host in enumerate(hosts):
        if not isinstance(host, dict):
            raise InputError(Location(str(path), key=f"hosts[{index}]"), "must be an object")
        _against(host, HOST_META, lambda key, i=index: Location(str(path), key=f"hosts[{i}].{key}"))  # type: ignore[misc]
        if host["slug"] in slugs:
            raise InputError(Location(str(path), key=f"hosts[{index}].slug"), "used by two hosts")
        slugs.add(host["slug"])


def check_journal(path: Path) -> None:
    """Every record of a journal; an InputError names the line and the key."""
    if path.is_symlink():
        raise InputError(Location(str(path)), "a symbolic link, not a journal")
    for number, (_raw, record) in enumerate(_lines(path), start=1):
        if record is None:
            continue  # unreadable lines are left out by the reader (and flagged by the chain)
        kind = record.get("type")
        spec = {**COMMON, **RECORDS.get(kind, {})} if isinstance(kind, str) else COMMON
        _against(record, spec, lambda key, n=number, k=kind: Location(str(path), n, f"{k}.{key}"))  # type: ignore[misc]


#: the run's own copies of its inputs, and its folders: never links (a run's files are its own)
OWN_FILES = ("run.json", "lab.toml", "waivers.yml", "journal", "evidence", "logs")


def check_run(run_dir: Path, meta: Mapping[str, Any]) -> None:
    """run.json and the journal of each of its hosts."""
    for name in OWN_FILES:
        if (run_dir / name).is_symlink():
            raise InputError(Location(str(run_dir / name)), "a symbolic link; a run directory holds its own files")
    check_run_meta(meta, run_dir / "run.json")
    for host in meta["hosts"]:
        check_journal(run_dir / "journal" / f"{host['slug']}.jsonl")
