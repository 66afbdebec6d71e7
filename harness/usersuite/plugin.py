"""The pytest side of user suites: ids and metadata for users' tests, ``testinfra_hosts``, load errors.

Loaded with the harness's plugin (harness.pytest_plugin); inert in a run without user suites. Runs
before the planning hook, so every user test reaches the plan as a check: a declared one
(harness.usersuite.check) as its author declared it, any other as an advisory ``USER-<slug>``
(harness.usersuite.ids).
"""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Generator, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from harness.checks import N_, CheckMeta, NotApplicable
from harness.outcomes import Severity
from harness.pytest_plugin.run import HOST_RUN, check_key, meta_of, subject_of
from harness.rundir import load_run_meta
from harness.usersuite.declare import LAYER, user_meta
from harness.usersuite.ids import IMPORT_ID, UserTest, assign
from harness.usersuite.stage import staged_paths

IMPORT_TITLE = N_("A user suite file could not be loaded")
IMPORT_REQUIREMENT = N_("Every file of a user suite (--suite) loads.")
IMPORT_REMEDY = N_("Fix the file named in the message; the host worker's log has the whole error.")
NOT_THIS_HOST = N_("Does not apply: testinfra_hosts ({hosts}) names other hosts of this run")
NO_HOSTS = N_("Does not apply: testinfra_hosts is empty")


@dataclass(frozen=True)
class Suite:
    label: str
    order: int
    root: Path


#: the run's suites and the pytest rootdir (module state, like planning's: the collect-report hook has no config)
_SUITES: list[Suite] = []
_ROOT: list[Path] = []
#: the names and addresses of every host of the run (testinfra_hosts naming only others does not apply)
_EVERYONE: list[str] = []


class UserSuiteError(Exception):
    """A user test that cannot be a check as written (an XC- id, an id used twice)."""


def owner(path: Path) -> tuple[Suite, str] | None:
    """The suite a file belongs to and its POSIX path in it."""
    for suite in _SUITES:
        try:
            return suite, path.resolve().relative_to(suite.root).as_posix()
        except ValueError:
            continue
    return None


@pytest.hookimpl(trylast=True)
def pytest_configure(config: pytest.Config) -> None:
    _SUITES.clear()
    _ROOT[:] = [config.rootpath]
    run = config.stash.get(HOST_RUN, None)
    if run is None:
        return
    meta = load_run_meta(run.run_dir)
    staged = staged_paths(run.run_dir, meta)
    _SUITES.extend(Suite(label, i, folder) for i, (label, folder) in enumerate(staged))
    _register_markers(config)
    hosts = meta.get("hosts") or []
    _EVERYONE[:] = [str(h.get(k)) for h in hosts if isinstance(h, dict) for k in ("name", "address") if h.get(k)]


_MARK = re.compile(r"\bmark\.([A-Za-z_][A-Za-z0-9_]{0,63})\b")


def _register_markers(config: pytest.Config) -> None:
    """The markers the user's files use (``@pytest.mark.slow``): the worker runs with --strict-markers, and a
    suite's own pytest.ini is not read, so they are registered here rather than failing the file."""
    names: set[str] = set()
    for suite in _SUITES:
        for path in sorted(suite.root.rglob("*.py")):
            names.update(_MARK.findall(path.read_text(encoding="utf-8", errors="replace")))
    for name in sorted(names)[:200]:
        config.addinivalue_line("markers", f"{name}: used by a user suite (--suite)")


def import_row(nodeid: str, reason: str) -> tuple[CheckMeta, str, str] | None:
    """The ``error`` row of a user suite file that did not load (planning asks), else None."""
    if not _SUITES or not nodeid:
        return None
    first = nodeid.split("::")[0]
    # a node id is relative to the rootdir, or to the collected folder for files outside it
    found = next((f for base in (*_ROOT, _SUITES[0].root.parent) if (f := owner(base / first)) is not None), None)
    if found is None:
        return None
    suite, rel = found
    shown = f"{suite.label}/{'' if rel == '.' else rel}"  # a folder: its conftest.py did not load
    meta = CheckMeta(
        id=IMPORT_ID,
        layer=LAYER,
        severity=Severity.ADVISORY,
        title=IMPORT_TITLE,
        requirement=IMPORT_REQUIREMENT,
        remedy=IMPORT_REMEDY,
        tags=frozenset({"user"}),
    )
    return meta, shown, f"{shown}: {reason}"


def _test_name(item: pytest.Item) -> str:
    parts = item.nodeid.split("::")[1:]
    if not parts:
        return item.name
    parts[-1] = getattr(item, "originalname", None) or parts[-1].split("[")[0]
    return "::".join(parts)


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(session: pytest.Session, config: pytest.Config, items: list[pytest.Item]) -> None:
    if not _SUITES or config.stash.get(HOST_RUN, None) is None:
        return
    mine: list[tuple[pytest.Item, UserTest]] = []
    for item in items:
        found = owner(item.path)
        if found is not None:
            mine.append((item, UserTest(found[0].label, found[0].order, found[1], _test_name(item))))
    ids = assign([t for _, t in mine])
    taken = {check_key(m.id, subject_of(i)) for i in items if (m := meta_of(i)) is not None and owner(i.path) is None}
    for item, test in mine:
        shown = f"{test.suite}/{test.path}::{test.name}"
        declared = meta_of(item)
        function = getattr(item, "function", None) or (lambda: None)
        if declared is not None and declared.layer == LAYER:
            meta = declared
        else:
            meta = user_meta(ids[test], function, test=shown)
            if declared is not None:
                item.xcert_user_error = f"{shown}: XC- ids are xcert's own; a user suite uses its own prefix"  # type: ignore[attr-defined]
        key = check_key(meta.id, subject_of(item))
        if key in taken:
            meta = user_meta(ids[test], function, test=shown)
            item.xcert_user_error = f"{shown}: check id {key} is used twice"  # type: ignore[attr-defined]
            key = check_key(meta.id, subject_of(item))
        taken.add(key)
        item.xcert_check = meta  # type: ignore[attr-defined]  # per item: one function may be collected twice


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Generator[None, None, None]:
    """An ``assert`` raised outside the test function (in testinfra, in a helper) is named for what it is."""
    try:
        return (yield)
    except AssertionError as exc:
        if owner(item.path) is None or not _SUITES:
            raise
        code = getattr(getattr(item, "function", None), "__code__", None)
        tb = exc.__traceback__
        while tb is not None and tb.tb_next is not None:
            tb = tb.tb_next
        if tb is None or tb.tb_frame.f_code is code:
            raise  # the test's own assert: its verdict
        where = str(tb.tb_frame.f_globals.get("__name__") or tb.tb_frame.f_code.co_filename)
        text = (str(exc).strip().splitlines() or ["assert failed"])[0][:500]
        raise UserSuiteError(f"an assert in {where} (line {tb.tb_lineno}), not in the test itself: {text}") from exc


def _names(entry: str) -> str:
    """The host name in a testinfra host spec: ``ssh://user@name:22?opt`` -> ``name``."""
    text = entry.split("://", 1)[-1].split("?", 1)[0].rsplit("@", 1)[-1]
    if text.startswith("["):
        return text[1:].split("]", 1)[0]
    return text.rsplit(":", 1)[0] if text.count(":") == 1 else text


def host_matches(entries: Iterable[Any], me: Iterable[str], everyone: Iterable[str]) -> bool | None:
    """Whether a module's ``testinfra_hosts`` runs on this host: True, False (names others), None (empty).

    An entry names a host by a testinfra spec (``ssh://user@h:22``, ``ansible://h``, ``h``); its host part
    matches this host's inventory name or address, exactly or as a shell pattern (``all`` and ``*`` match
    every host). A list that names no host of this run at all (Molecule's own instance names, e.g.
    ``instance``) is taken to mean the host being certified.
    """
    names = [_names(str(e)) for e in entries]
    if not names:
        return None
    mine, all_hosts = list(me), list(everyone)

    def hit(candidates: list[str]) -> bool:
        return any(n in ("all", "*") or any(fnmatch.fnmatchcase(c, n) for c in candidates) for n in names)

    return hit(mine) or not hit(all_hosts)


@pytest.hookimpl(trylast=True)
def pytest_runtest_setup(item: pytest.Item) -> None:
    run = item.config.stash.get(HOST_RUN, None)
    if run is None or not _SUITES or owner(item.path) is None:
        return
    error = getattr(item, "xcert_user_error", None)
    if error:
        raise UserSuiteError(error)
    info = getattr(item, "_fixtureinfo", None)
    host_defs = info.name2fixturedefs.get("host") if info is not None else None
    if host_defs and host_defs[-1].baseid:
        # a conftest.py or the module defines its own `host` (e.g. testinfra.get_host("docker://instance")):
        # it would look at something other than the host being certified
        raise UserSuiteError(f"the suite redefines the `host` fixture ({host_defs[-1].baseid}): host is the certified target")
    hosts = getattr(getattr(item, "module", None), "testinfra_hosts", None)
    if hosts is None:
        return
    entries = [hosts] if isinstance(hosts, str) else list(hosts)
    verdict = host_matches(entries, [run.spec.name, run.spec.address], _EVERYONE)
    if verdict is None:
        raise NotApplicable(NO_HOSTS, {})
    if not verdict:
        raise NotApplicable(NOT_THIS_HOST, {"hosts": ", ".join(str(e) for e in entries)[:300]})


__all__ = ["host_matches", "import_row", "owner"]
