"""The manifest drives the collectors: a probe added to PROBES (or an area's dict) is captured by both,
with its exit status when it is not 0, and a snapshot answers it as the host did."""

from __future__ import annotations

import subprocess
from pathlib import Path
from types import SimpleNamespace

import pytest

from harness.collect import script, standalone
from harness.decide import NotCaptured
from harness.facts import manifest
from harness.facts.snapshot import read_snapshot
from harness.transport.snapshot import SnapshotTransport


@pytest.fixture
def extra_probes(monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    added = {"xtest-ok": "printf 'hello\\n'", "xtest-rc": "echo partial; exit 3"}
    for name, command in added.items():
        monkeypatch.setitem(manifest.PROBES, name, command)
    return added


def test_python_collector_captures_a_new_probe_with_its_status(tmp_path: Path, extra_probes: dict[str, str]) -> None:
    snap = Path(standalone.collect(str(tmp_path / "snap")))
    facts = read_snapshot(snap)
    assert facts.commands["xtest-ok"] == b"hello\n" and "xtest-ok" not in facts.rcs
    assert (facts.commands["xtest-rc"], facts.rcs["xtest-rc"]) == (b"partial\n", 3)
    transport = SnapshotTransport(SimpleNamespace(address=str(snap)))
    result = transport.run(manifest.PROBES["xtest-rc"])
    assert (result.rc, result.stdout) == (3, b"partial\n")


def test_sh_collector_captures_a_new_probe_with_its_status(tmp_path: Path, extra_probes: dict[str, str]) -> None:
    (tmp_path / "c.sh").write_text(script.sh_script(), encoding="utf-8")
    done = subprocess.run(
        ["sh", str(tmp_path / "c.sh"), str(tmp_path / "s")], capture_output=True, text=True, check=True
    )
    facts = read_snapshot(Path(done.stdout.strip().splitlines()[-1]))
    assert facts.commands["xtest-ok"] == b"hello\n" and "xtest-ok" not in facts.rcs
    assert (facts.commands["xtest-rc"], facts.rcs["xtest-rc"]) == (b"partial\n", 3)


def test_what_a_snapshot_lacks_is_not_captured(tmp_path: Path) -> None:
    (tmp_path / "commands").mkdir()
    (tmp_path / "commands" / "uname-m.txt").write_text("x86_64\n", encoding="utf-8")
    transport = SnapshotTransport(SimpleNamespace(address=str(tmp_path)))
    with pytest.raises(NotCaptured, match="locale-a"):
        transport.run(manifest.PROBES["locale-a"])
    with pytest.raises(NotCaptured, match="no answer"):
        transport.run("systemctl is-active sshd")
    assert transport.source()["kind"] == "snapshot" and len(transport.source()["sha256"]) == 64


def test_the_printed_python_collector_captures_every_probe(tmp_path: Path) -> None:
    import sys

    # the question is whether the collector runs every probe, not how fast this machine is: a probe past the
    # per-command timeout is rightly left out, and on a loaded machine `find / -xdev` (hc-world-writable) took
    # longer than 10 s, so the printed script is given a timeout no probe comes near
    source = script.python_script()
    limit = f"PER_COMMAND_TIMEOUT_S = {manifest.PER_COMMAND_TIMEOUT_S}\n"
    assert source.count(limit) == 1
    (tmp_path / "collect.py").write_text(source.replace(limit, "PER_COMMAND_TIMEOUT_S = 600\n"), encoding="utf-8")
    out = tmp_path / "snap.tar.gz"
    subprocess.run([sys.executable, str(tmp_path / "collect.py"), "--out", str(out)], check=True, capture_output=True)
    facts = read_snapshot(out)
    assert set(manifest.PROBES) <= set(facts.commands), sorted(set(manifest.PROBES) - set(facts.commands))
