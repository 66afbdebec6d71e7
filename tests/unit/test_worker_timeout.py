"""A worker past its time is stopped so that what its check started dies too (not left running)."""

from __future__ import annotations

import json
import subprocess
import time
from pathlib import Path

import pytest

from harness import runner
from harness.inventory import HostSpec
from harness.journal import read_journal

SUITE = """
from harness.checks import N_, check

@check("XC-OS-981", layer="os", severity="mandatory", title=N_("t"), requirement=N_("r"), remedy=N_("m"),
       timeout_s=600)
def test_long(target, xc):
    target.run("sleep 41.3", timeout_s=600)
"""


def _sleeping() -> str:
    return subprocess.run(["pgrep", "-f", "sleep 41[.]3"], capture_output=True, text=True, check=False).stdout


def test_a_worker_past_its_time_leaves_nothing_running(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "suites" / "os").mkdir(parents=True)
    (tmp_path / "suites" / "os" / "test_long.py").write_text(SUITE, encoding="utf-8")
    monkeypatch.setenv("XCERT_SUITES", str(tmp_path / "suites"))
    monkeypatch.setattr(runner, "WORKER_TIMEOUT_S", 4.0)
    run = tmp_path / "run"
    run.mkdir()
    host = {"name": "local", "slug": "local", "connection": "local", "address": "localhost", "declared": {}}
    (run / "run.json").write_text(json.dumps({"hosts": [host]}), encoding="utf-8")
    spec = HostSpec(name="local", connection="local", address="localhost")
    started = time.monotonic()
    runner.run_host(run, spec, "local", "quick")
    assert time.monotonic() - started < 4.0 + runner.WORKER_GRACE_S
    assert _sleeping() == ""
    records = list(read_journal(run / "journal" / "local.jsonl"))
    assert records[-1]["type"] == "host_end"  # the worker ended as an aborted run does, journal closed
    assert "worker timed out" in (run / "logs" / "local.log").read_text(encoding="utf-8")
