"""suites.hostlib runs a probe once per host session: its answers belong to that session alone."""

from __future__ import annotations

import gc
from pathlib import Path

from harness.checks import CheckContext, CheckMeta
from harness.inventory import HostSpec
from harness.outcomes import Severity
from harness.session import HostSession
from suites import hostlib


def _session(tmp_path: Path, name: str, locales: str) -> HostSession:
    snap = tmp_path / name
    (snap / "commands").mkdir(parents=True)
    (snap / "commands" / "locale-a.txt").write_text(locales, encoding="utf-8")
    session = HostSession(tmp_path / "run", HostSpec(name=name, connection="snapshot", address=str(snap)), name)
    session.connect()
    return session


def _ctx() -> CheckContext:
    return CheckContext(CheckMeta("XC-OS-050", "os", Severity.MANDATORY, "t", "r", "m"))


def test_a_probe_runs_once_per_session_and_every_reader_links_its_evidence(tmp_path: Path) -> None:
    session = _session(tmp_path, "a", "C\nzh_CN.utf8\n")
    first, second = _ctx(), _ctx()
    session.current = first
    one = hostlib.run_probe(session, "locale-a")
    session.current = second
    assert hostlib.run_probe(session, "locale-a") is one
    assert first.evidence and first.evidence == second.evidence


def test_two_sessions_never_share_answers(tmp_path: Path) -> None:
    a = _session(tmp_path, "a", "C\nzh_CN.utf8\n")
    b = _session(tmp_path, "b", "C\n")
    assert hostlib.run_probe(a, "locale-a").text == "C\nzh_CN.utf8\n"
    assert hostlib.run_probe(b, "locale-a").text == "C\n"
    # a session that is gone takes its answers with it, so a new one that gets the old id() (CPython
    # hands a freed address out again) asks its own host: keyed by id() it read the dead session's answer
    old_id = id(a)
    del a
    gc.collect()
    # every object still alive is frozen out of the collections below: each collects the new sessions whole,
    # without walking again the heap the worker's earlier tests left (up to a second per collection there)
    gc.freeze()
    try:
        for n in range(50):
            c = _session(tmp_path, f"c{n}", f"C\nru_RU.utf8 {n}\n")
            assert hostlib.run_probe(c, "locale-a").text == f"C\nru_RU.utf8 {n}\n"
            reused = id(c) == old_id
            del c
            gc.collect()
            if reused:
                break
    finally:
        gc.unfreeze()
    assert hostlib.run_probe(b, "locale-a").text == "C\n"
