"""A dropped connection is retried with backoff, every retry on record; a host that stays gone is lost."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from harness import session as session_module
from harness.checks import CheckContext, CheckMeta
from harness.inventory import HostSpec
from harness.outcomes import Severity
from harness.session import HostSession
from harness.transport.base import HostUnreachable
from harness.transport.local import LocalTransport


class DroppingTransport(LocalTransport):
    """The local machine behind a link that drops the first ``drops`` commands."""

    drops = 0

    def run(self, command: str, timeout_s: float = 60, stdin: bytes | None = None):  # type: ignore[no-untyped-def]
        if DroppingTransport.drops > 0:
            DroppingTransport.drops -= 1
            raise HostUnreachable("connection reset", "by peer")
        return super().run(command, timeout_s, stdin)


@pytest.fixture
def session(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> HostSession:
    monkeypatch.setattr(session_module, "RETRY_BACKOFF_S", (0.01, 0.01))
    s = HostSession(tmp_path, HostSpec(name="h", connection="local", address="h"), "h")
    s.transport = DroppingTransport()
    s.connect = lambda: None  # type: ignore[method-assign]
    meta = CheckMeta("XC-OS-001", "os", Severity.MANDATORY, "t", "r", "m")
    s.current = CheckContext(meta)
    return s


def test_a_drop_is_retried_and_recorded(session: HostSession, tmp_path: Path) -> None:
    DroppingTransport.drops = 1
    result = session.run("echo ok")
    assert result.text == "ok\n"
    assert session.current is not None
    assert session.current.measurements["retries"] == {"value": 1, "unit": "count"}
    kinds = [json.loads((tmp_path / ref).read_text()).get("kind") for ref in session.current.evidence]
    assert kinds == ["retry", "command"]


def test_a_host_that_stays_gone_is_lost(session: HostSession) -> None:
    DroppingTransport.drops = 10
    with pytest.raises(HostUnreachable) as info:
        session.run("echo ok")
    assert info.value.reason == "lost"


class CutTransport(LocalTransport):
    """The local machine whose fact script is cut short ``cuts`` times (its shell killed as the host goes down)."""

    cuts = 0

    def run(self, command: str, timeout_s: float = 60, stdin: bytes | None = None):  # type: ignore[no-untyped-def]
        if command == "sh -s" and CutTransport.cuts > 0:
            CutTransport.cuts -= 1
            # the script's first lines only: what a shell killed mid-way printed
            script = (stdin or b"").split(b"\n")
            return super().run(command, timeout_s, b"\n".join(script[:6]) + b"\n")
        return super().run(command, timeout_s, stdin)


def _cut_session(tmp_path: Path) -> HostSession:
    s = HostSession(tmp_path, HostSpec(name="h", connection="local", address="h"), "h")
    s.transport = CutTransport()
    return s


def test_a_fact_pass_cut_short_once_is_run_again(tmp_path: Path) -> None:
    CutTransport.cuts = 1
    session = _cut_session(tmp_path)
    facts, _ = session.gather_facts()
    # the second, whole pass is what the checks see; both passes are evidence
    assert "/proc/cpuinfo" in facts.files and facts.commands["getconf-pagesize"].strip().isdigit()
    assert len(session.facts_refs) == 2


def test_a_fact_pass_cut_short_twice_is_a_lost_host_never_partial_facts(tmp_path: Path) -> None:
    CutTransport.cuts = 2
    with pytest.raises(HostUnreachable) as info:
        _cut_session(tmp_path).gather_facts()
    assert info.value.reason == "lost" and "cut short twice" in info.value.detail
