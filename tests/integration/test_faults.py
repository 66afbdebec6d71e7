"""Runs that survive faults: signals at random points and resume, hung commands, a second writer,
hostile inventory values, planted secrets."""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import ROOT, xcert
from tests.integration.processes import kill_run

pytestmark = pytest.mark.integration

N_CHECKS = 12

SLOW_SUITE = """
from harness.checks import N_, check

def _make(n):
    @check(f"XC-OS-{n:03d}", layer="os", severity="mandatory", title=N_("slow"), requirement=N_("slow"),
           remedy=N_("slow"))
    def _t(target, xc):
        target.run("sleep 0.25")
        xc.note(N_("slow"))
    return _t

for _n in range(1, LAST):
    globals()[f"test_slow_{_n:03d}"] = _make(_n)
""".replace("LAST", str(N_CHECKS + 1))

HANG_SUITE = """
from harness.checks import N_, check

@check("XC-OS-001", layer="os", severity="mandatory", title=N_("hang"), requirement=N_("hang"),
       remedy=N_("hang"), timeout_s=2)
def test_hang(target, xc):
    target.run("sleep 100000", timeout_s=600)

@check("XC-OS-002", layer="os", severity="mandatory", title=N_("hang"), requirement=N_("hang"),
       remedy=N_("hang"))
def test_command_timeout(target, xc):
    target.run("sleep 100000", timeout_s=1.5)

@check("XC-OS-003", layer="os", severity="advisory", title=N_("after"), requirement=N_("after"), remedy=N_("after"))
def test_after(target, xc):
    target.run("true")
"""


def _suite(tmp_path: Path, source: str) -> Path:
    suites = tmp_path / "suites"
    (suites / "os").mkdir(parents=True)
    (suites / "__init__.py").write_text("")
    (suites / "os" / "__init__.py").write_text("")
    (suites / "os" / "test_it.py").write_text(source)
    return suites


def _results(out: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((out / "results.json").read_text(encoding="utf-8"))
    return data


def _decided(out: Path) -> int:
    journal = out / "journal" / "localhost.jsonl"
    return journal.read_text(encoding="utf-8").count('"type": "check"') if journal.exists() else 0


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM, signal.SIGKILL])
def test_signal_at_a_random_point_then_resume_decides_each_check_once(tmp_path: Path, sig: signal.Signals) -> None:
    suites = _suite(tmp_path, SLOW_SUITE)
    env = {**os.environ, "XCERT_SUITES": str(suites)}
    out = tmp_path / "run"
    proc = subprocess.Popen(
        [sys.executable, "-m", "harness", "certify", "--out", str(out)],
        cwd=ROOT,
        env=env,
        start_new_session=True,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    # wait until the run is under way, then a random moment more
    deadline = time.monotonic() + 30
    while _decided(out) < 1 and time.monotonic() < deadline:
        time.sleep(0.02)
    time.sleep(random.uniform(0.0, 1.5))
    if sig == signal.SIGKILL:
        kill_run(proc.pid)  # a crash: nothing gets to clean up, the workers die with the run
    else:
        proc.send_signal(sig)  # as Ctrl-C or a service manager would
    rc = proc.wait(timeout=60)
    decided_before = _decided(out)
    assert 1 <= decided_before < N_CHECKS, "the signal came too late to test anything"
    if sig != signal.SIGKILL:
        assert rc == 130
        results = _results(out)
        assert results["interrupted"] is True
        assert len(results["hosts"][0]["checks"]) == decided_before  # the checks in flight finished and count

    resumed = xcert("certify", "--resume", str(out), env={"XCERT_SUITES": str(suites)}, timeout=120)
    assert resumed.returncode == 0, resumed.stderr
    results = _results(out)
    ids = [c["id"] for c in results["hosts"][0]["checks"]]
    assert sorted(ids) == [f"XC-OS-{n:03d}" for n in range(1, N_CHECKS + 1)]  # every check, exactly once
    assert results["hosts"][0]["undecided"] == []
    assert results["verdict"] == "CERTIFIED"
    assert results["complete"] is True and results["interrupted"] is False


def test_resume_refuses_a_changed_profile_or_suite(tmp_path: Path) -> None:
    suites = _suite(tmp_path, SLOW_SUITE.replace("0.25", "0"))
    out = tmp_path / "run"
    assert xcert("certify", "--out", str(out), env={"XCERT_SUITES": str(suites)}).returncode == 0
    other = xcert("certify", "--resume", str(out), "--profile", "full", env={"XCERT_SUITES": str(suites)})
    assert other.returncode == 3 and "profile" in other.stderr and "Traceback" not in other.stderr
    (suites / "os" / "test_it.py").write_text(SLOW_SUITE.replace("0.25", "0.01"))
    changed = xcert("certify", "--resume", str(out), env={"XCERT_SUITES": str(suites)})
    assert changed.returncode == 3 and "suite digest" in changed.stderr


def test_hung_commands_end_as_timeout_errors(tmp_path: Path) -> None:
    suites = _suite(tmp_path, HANG_SUITE)
    out = tmp_path / "run"
    t0 = time.monotonic()
    proc = xcert("certify", "--out", str(out), env={"XCERT_SUITES": str(suites)}, timeout=120)
    elapsed = time.monotonic() - t0
    assert proc.returncode == 2, proc.stderr  # INCOMPLETE: mandatory checks errored
    checks = {c["id"]: c for c in _results(out)["hosts"][0]["checks"]}
    assert checks["XC-OS-001"]["outcome"] == "error"
    assert checks["XC-OS-001"]["message"] == "timeout after 2 s"
    assert checks["XC-OS-001"]["duration_s"] < 2 + 5
    assert checks["XC-OS-002"]["outcome"] == "error"
    assert checks["XC-OS-002"]["message"].startswith("timeout after 1.5 s: sleep 100000")
    assert checks["XC-OS-002"]["duration_s"] < 1.5 + 5
    assert checks["XC-OS-003"]["outcome"] == "pass"
    assert elapsed < 60
    leftover = subprocess.run(["pgrep", "-f", "sleep 100000"], capture_output=True, check=False)
    assert leftover.returncode == 1, "a timed-out command outlived its check"


HELD_SUITE = """
from harness.checks import N_, check

@check("XC-OS-001", layer="os", severity="mandatory", title=N_("t"), requirement=N_("t"), remedy=N_("t"))
def test_first(target, xc):
    target.run("true")

@check("XC-OS-002", layer="os", severity="mandatory", title=N_("t"), requirement=N_("t"), remedy=N_("t"),
       timeout_s=600)
def test_held(target, xc):
    # holds the run open until the test has tried its second writer (however loaded the machine is)
    assert target.run("while [ ! -e RELEASE ]; do sleep 0.02; done", timeout_s=590).rc == 0
"""


def test_a_second_writer_is_refused(tmp_path: Path) -> None:
    release = tmp_path / "release"
    suites = _suite(tmp_path, HELD_SUITE.replace("RELEASE", str(release)))
    out = tmp_path / "run"
    env = {**os.environ, "XCERT_SUITES": str(suites)}
    first = subprocess.Popen(
        [sys.executable, "-m", "harness", "certify", "--out", str(out)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 300
        while _decided(out) < 1 and first.poll() is None and time.monotonic() < deadline:
            time.sleep(0.02)
        assert _decided(out) == 1 and first.poll() is None, "the first run is not holding its run directory"
        second = xcert("certify", "--resume", str(out), env={"XCERT_SUITES": str(suites)})
        assert second.returncode == 3, second.stderr
        assert "another xcert run is writing" in second.stderr
    finally:
        release.touch()
        first.wait(timeout=300)
    assert first.returncode == 0
    assert _decided(out) == 2


HOSTILE = [
    'x"; touch {marker}; echo "',
    "x'; touch {marker}; echo '",
    "$(touch {marker})",
    "`touch {marker}`",
    "x\ntouch {marker}\n",
    "x; touch {marker}",
]


@pytest.mark.parametrize("template", HOSTILE)
def test_hostile_inventory_values_reach_no_shell(tmp_path: Path, template: str) -> None:
    marker = tmp_path / "owned"
    value = template.format(marker=marker)
    fields = ["ansible_user", "ansible_become_password", "xc_workdir", "xc_lab_arch"]
    host_vars = {"ansible_connection": "local", **{f: value for f in fields}}
    inventory = tmp_path / "inv.json"
    # JSON is YAML: every character of the value survives the inventory parser
    inventory.write_text(json.dumps({"all": {"hosts": {"localhost": host_vars}}}), encoding="utf-8")
    out = tmp_path / "run"
    proc = xcert("certify", "-i", str(inventory), "--out", str(out))
    assert proc.returncode in (1, 2), proc.stderr
    assert not marker.exists()
    # a declared component must be one the catalog knows: a hostile one is bad input, before anything runs
    declared_keys = ("xc_cpu", "xc_os", "xc_db", "xc_server", "xc_middleware")
    for declared in (declared_keys[HOSTILE.index(template) % len(declared_keys)],):  # each key in some case
        inventory.write_text(json.dumps({"all": {"hosts": {"localhost": {"ansible_connection": "local",
                                                                         declared: value}}}}), encoding="utf-8")  # fmt: skip
        bad = xcert("certify", "-i", str(inventory), "--out", str(tmp_path / f"run-{declared}"))
        assert bad.returncode == 3 and bad.stderr.count("\n") == 1 and "is not in the catalog" in bad.stderr
        assert not marker.exists()


def test_planted_secrets_are_in_no_file_of_the_run(tmp_path: Path) -> None:
    secret_inv = "s3cr3t-inventory-Pa55"
    inventory = tmp_path / "inv.yml"
    inventory.write_text(
        "all:\n  hosts:\n    localhost:\n      ansible_connection: local\n"
        f"      ansible_password: {secret_inv}\n      ansible_become_password: {secret_inv}-become\n",
        encoding="utf-8",
    )
    out = tmp_path / "run"
    proc = xcert("certify", "-i", str(inventory), "--out", str(out))
    assert proc.returncode in (1, 2), proc.stderr
    for path in out.rglob("*"):
        if path.is_file():
            assert secret_inv.encode() not in path.read_bytes(), path
    assert secret_inv not in proc.stdout + proc.stderr


@pytest.fixture
def tiny_disk(tmp_path: Path) -> Any:
    if os.geteuid() != 0:
        pytest.skip("mounting a tmpfs needs root")
    mount = tmp_path / "tiny"
    mount.mkdir()
    # room for the plan (about 130 KB for 200 checks), the facts and a few dozen checks, not for the whole run
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=224k", "tmpfs", str(mount)], check=True)
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


def test_a_full_disk_mid_run_keeps_the_journal_and_says_where(tiny_disk: Path) -> None:
    out = tiny_disk / "run"
    proc = xcert("certify", "--out", str(out))
    assert proc.returncode == 2
    errors = [ln for ln in proc.stderr.splitlines() if ln.startswith("xcert:")]
    assert len(errors) == 1 and str(out) in errors[0] and "No space left on device" in errors[0]
    assert "Traceback" not in proc.stderr
    decided = _decided_in(out / "journal" / "localhost.jsonl")
    assert decided >= 1  # what was decided before the disk filled is still there


def _decided_in(journal: Path) -> int:
    from harness.journal import read_journal

    return sum(1 for r in read_journal(journal) if r.get("type") == "check")


BIG_OUTPUT_SUITE = """
from harness.checks import N_, check

@check("XC-OS-001", layer="os", severity="mandatory", title=N_("big"), requirement=N_("big"), remedy=N_("big"))
def test_big(target, xc):
    result = target.run("head -c 9000000 /dev/zero | tr '\\\\0' a; printf '\\\\377\\\\376binary'")
    assert result.truncated
"""


def test_huge_output_is_capped_and_marked_and_unicode_host_names_work(tmp_path: Path) -> None:
    suites = _suite(tmp_path, BIG_OUTPUT_SUITE)
    inventory = tmp_path / "inv.yml"
    inventory.write_text("all:\n  hosts:\n    主机-甲:\n      ansible_connection: local\n", encoding="utf-8")
    out = tmp_path / "run"
    proc = xcert(
        "certify", "-i", str(inventory), "--out", str(out), "--format", "json,junit", env={"XCERT_SUITES": str(suites)}
    )
    assert proc.returncode == 0, proc.stderr
    host = _results(out)["hosts"][0]
    assert host["name"] == "主机-甲"
    check = host["checks"][0]
    assert check["outcome"] == "pass"
    evidence = [json.loads((out / ref).read_text(encoding="utf-8")) for ref in check["evidence"]]
    command = next(e for e in evidence if e.get("kind") == "command")
    assert command["truncated"] is True
    assert len(command["stdout"]) <= 4 * 1024 * 1024
