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
    # a session that is gone takes its answers with it, so a new one that gets the old id() (CPython hands a
    # freed address out again) asks its own host: keyed by id() it read the dead session's answer. Seen in the
    # answers themselves, not by waiting for CPython to reuse an address (it may never in a test)
    held = len(hostlib._ANSWERS)
    del a
    gc.collect()
    assert len(hostlib._ANSWERS) == held - 1  # a's answers went with a: nothing left for an address reused
    c = _session(tmp_path, "c", "C\nru_RU.utf8\n")
    assert c not in hostlib._ANSWERS  # a new session starts with no answers, whatever its id()
    assert hostlib.run_probe(c, "locale-a").text == "C\nru_RU.utf8\n"
    assert hostlib.run_probe(b, "locale-a").text == "C\n"
