"""Snapshots tell the truth: a snapshot of this machine certifies check by check as a live run of it
does, a probe the snapshot lacks is ``error: not captured``, and a host certified from a snapshot
says so in results.json, JUnit and the report; a lab config can refuse snapshots."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tarfile
from pathlib import Path
from typing import Any

import pytest

from harness.facts.manifest import PROBES
from harness.facts.snapshot import read_snapshot
from harness.results import validate
from tests.conftest import ROOT, xcert

pytestmark = pytest.mark.integration

LAB = """[lab]
name = "Test Lab"
address = "1 Example Road"
location = "Rack 1"

[report]
applicant = "Example Ltd."
authorised_by = "A. Person"
accept_snapshots = false
"""


def _results(out: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((out / "results.json").read_text(encoding="utf-8"))
    return data


def _outcomes(out: Path) -> dict[str, str]:
    host = _results(out)["hosts"][0]
    return {f"{c['id']}[{c['subject']}]": c["outcome"] for c in host["checks"]}


def _inventory(tmp: Path, snapshot: Path, name: str) -> Path:
    inventory = tmp / f"{name}.yml"
    inventory.write_text(f"all:\n  hosts:\n    localhost:\n      xc_snapshot: {snapshot}\n", encoding="utf-8")
    return inventory


#: this machine as the snapshots and the live run see it: a process namespace of their own, so that what other
#: tests start and stop meanwhile (a lab's Tomcat or database server is a process of this machine too) is in
#: none of them, and each sees the machine the others saw
ALONE = ["unshare", "--pid", "--fork", "--mount-proc"] if os.geteuid() == 0 else []


def _alone(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*ALONE, *args], capture_output=True, text=True, timeout=300, cwd=ROOT, env=dict(os.environ), check=False
    )


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    tmp = tmp_path_factory.mktemp("snaptruth")
    py_snap = tmp / "py.tar.gz"
    collected = _alone(sys.executable, "-m", "harness", "collect", "--out", str(py_snap))
    assert collected.returncode == 0, collected.stderr
    script = xcert("collect", "--print-sh").stdout
    (tmp / "collect.sh").write_text(script, encoding="utf-8")
    done = _alone("sh", str(tmp / "collect.sh"), str(tmp / "sh-snap"))
    sh_snap = Path(done.stdout.strip().splitlines()[-1])
    outs = {"live": tmp / "live", "py": tmp / "py-run", "sh": tmp / "sh-run"}
    live = _alone(sys.executable, "-m", "harness", "certify", "--out", str(outs["live"]), "--format", "json")
    assert (outs["live"] / "results.json").is_file(), live.stderr
    for kind, snap in (("py", py_snap), ("sh", sh_snap)):
        xcert(
            "certify", "-i", str(_inventory(tmp, snap, kind)), "--out", str(outs[kind]), "--format", "json,junit,html"
        )
    outs["py_snap"], outs["sh_snap"], outs["tmp"] = py_snap, sh_snap, tmp
    return outs


def test_both_collectors_capture_every_probe_of_the_manifest(runs: dict[str, Path]) -> None:
    for snap in (runs["py_snap"], runs["sh_snap"]):
        facts = read_snapshot(snap)
        assert set(PROBES) <= set(facts.commands), (snap, sorted(set(PROBES) - set(facts.commands)))
    # a probe that failed on the host keeps its exit status, as the live run sees it
    py, sh = read_snapshot(runs["py_snap"]), read_snapshot(runs["sh_snap"])
    assert {p: py.rcs.get(p, 0) for p in PROBES} == {p: sh.rcs.get(p, 0) for p in PROBES}


@pytest.mark.parametrize("collector", ["py", "sh"])
def test_a_snapshot_of_this_machine_certifies_as_the_live_run_check_by_check(
    runs: dict[str, Path], collector: str
) -> None:
    live, snap = _outcomes(runs["live"]), _outcomes(runs[collector])
    assert len(live) >= 12
    assert {k: (live[k], snap.get(k)) for k in live if live[k] != snap.get(k)} == {}
    assert set(snap) == set(live)


def test_a_snapshot_host_says_so_everywhere(runs: dict[str, Path]) -> None:
    import hashlib

    out = runs["py"]
    res = _results(out)
    assert validate(res) == []
    source = res["hosts"][0]["source"]
    assert source["kind"] == "snapshot"
    assert source["sha256"] == hashlib.sha256(runs["py_snap"].read_bytes()).hexdigest()
    assert source["supplied_by"] and "@" in source["supplied_by"]  # who collected it
    assert _results(runs["live"])["hosts"][0]["source"] == {"kind": "live"}
    junit = (out / "junit.xml").read_text(encoding="utf-8")
    assert 'name="source" value="snapshot"' in junit and source["sha256"] in junit
    html = (out / "report.html").read_text(encoding="utf-8")
    assert "Certified from a snapshot" in html and source["sha256"] in html


def test_a_probe_the_snapshot_lacks_is_not_captured_never_fail(runs: dict[str, Path]) -> None:
    tmp = runs["tmp"]
    snap = tmp / "partial"
    with tarfile.open(runs["py_snap"]) as tar:
        tar.extractall(snap, filter="data")
    for name in ("openssl-version", "openssl-sm3", "locale-a"):
        (snap / "commands" / f"{name}.txt").unlink()
    out = tmp / "partial-run"
    xcert("certify", "-i", str(_inventory(tmp, snap, "partial")), "--out", str(out), "--format", "json")
    checks = {c["id"]: c for c in _results(out)["hosts"][0]["checks"]}
    for check_id in ("XC-OS-005", "XC-OS-008"):
        assert checks[check_id]["outcome"] == "error"
        assert checks[check_id]["message_key"] == "not captured: {what}"


def test_a_lab_config_can_refuse_snapshots(runs: dict[str, Path]) -> None:
    tmp = runs["tmp"]
    (tmp / "lab.toml").write_text(LAB, encoding="utf-8")
    inventory = _inventory(tmp, runs["py_snap"], "refused")
    proc = xcert("certify", "-i", str(inventory), "--lab-config", str(tmp / "lab.toml"), "--out", str(tmp / "no"))
    assert proc.returncode == 3
    assert "report.accept_snapshots" in proc.stderr and "localhost" in proc.stderr
    assert "Traceback" not in proc.stderr
    assert not (tmp / "no" / "results.json").exists()
