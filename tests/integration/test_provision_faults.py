"""Provisioning when a host freezes or the user presses Ctrl-C twice, on real lab hosts through real ansible-runner.

- A frozen host (its sshd stopped: the kernel still accepts the TCP connection, no SSH banner comes) makes
  the readiness command wait out the host's connect timeout; its worker is told, and reports the host
  lost at once (unreachable, timeout) instead of waiting out the same timeout again.
- A second SIGINT to a real ``xcert certify`` cancels the ansible-runner job that is running (here a
  prepare job stuck on a host frozen after the job started), rather than wait for its timeout.
- What the prepare playbook made is removed after the host's own checks ended (one rm over xcert's SSH,
  no cleanup job), and the run's ControlPath folder and its ssh masters are gone at the end.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.conftest import ROOT, xcert
from tests.integration.lab_fixture import Lab, host_of, lab_session, results

pytestmark = pytest.mark.integration

#: the frozen host's connect timeout: what a second wait would cost
FROZEN_TIMEOUT_S = 8


@pytest.fixture(scope="module")
def lab(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Lab]:
    yield from lab_session(tmp_path_factory, "--hosts", "2")


def _inventory(lab: Lab, tmp_path: Path, **per_host: dict[str, Any]) -> Path:
    assert lab.inventory is not None
    data = yaml.safe_load(lab.inventory.read_text(encoding="utf-8"))
    hosts = data["all"]["children"]["xcert_lab"]["hosts"]
    for name, values in per_host.items():
        hosts[name].update(values)
    path = tmp_path / "inv.yml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    return path


def _journal(out: Path, host: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in (out / "journal" / f"{host}.jsonl").read_text(encoding="utf-8").splitlines()]


def _ts(text: str) -> float:
    from datetime import datetime

    return datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp()


@contextlib.contextmanager
def _frozen(lab: Lab, name: str) -> Iterator[None]:
    netns = lab.host(name)["netns"]
    pids = subprocess.run(["ip", "netns", "pids", netns], capture_output=True, text=True, check=True).stdout.split()
    assert pids
    try:
        for pid in pids:
            os.kill(int(pid), signal.SIGSTOP)
        yield
    finally:
        for pid in pids:
            with contextlib.suppress(ProcessLookupError):
                os.kill(int(pid), signal.SIGCONT)


def test_what_the_playbook_made_is_removed_after_its_own_checks_and_nothing_is_left(lab: Lab, tmp_path: Path) -> None:
    parents = tmp_path / "parents"
    works = {name: parents / name / "work" for name in ("lab1", "lab2")}
    inventory = _inventory(lab, tmp_path, **{n: {"xc_workdir": str(w)} for n, w in works.items()})
    out = tmp_path / "run"
    proc = xcert("certify", "-i", str(inventory), "--out", str(out), "--format", "json", env=lab.env)
    assert proc.returncode in (1, 2), proc.stderr
    for name, work in works.items():
        records = _journal(out, name)
        prepare, cleanup = [r for r in records if r["type"] == "provision"]
        assert prepare["status"] == "successful" and prepare["action"] == "prepare", prepare
        assert cleanup["action"] == "cleanup" and cleanup["status"] == "done" and cleanup["ok"], cleanup
        assert cleanup["message"] == f"working directory {work} removed"
        end = next(r["time"] for r in records if r["type"] == "host_end")
        assert end <= cleanup["time"]  # removed after its own checks ended, never before
        evidence = json.loads((out / cleanup["evidence"][0]).read_text(encoding="utf-8"))
        assert evidence["made_by"] == "the prepare playbook" and evidence["workdir"] == str(work)
        assert 0 <= cleanup["duration_s"] <= _ts(cleanup["time"]) - _ts(end) + 0.5, cleanup
        assert not work.exists() and work.parent.is_dir()  # the directory, not the parents it had
    # one prepare job for both, no cleanup job; the ControlPath folder is gone, no ssh master of the run is left
    assert sorted(p.name for p in (out / "provision").glob(".job-*")) == [".job-prepare-1"]
    assert not (out / "provision" / ".ssh-control").exists()
    masters = subprocess.run(["pgrep", "-f", str(out / "provision" / ".ssh-control")], capture_output=True, check=False)
    assert masters.returncode == 1, masters.stdout


def test_a_host_frozen_before_the_run_waits_out_its_timeout_once(lab: Lab, tmp_path: Path) -> None:
    inventory = _inventory(
        lab,
        tmp_path,
        lab1={"xc_workdir": str(tmp_path / "work-lab1")},  # its own: other labs' lab1 share the default
        lab2={"ansible_ssh_timeout": FROZEN_TIMEOUT_S, "xc_workdir": str(tmp_path / "work-lab2")},
    )
    out = tmp_path / "run"
    with _frozen(lab, "lab2"):
        t0 = time.monotonic()
        proc = xcert("certify", "-i", str(inventory), "--out", str(out), "--format", "json", env=lab.env)
        elapsed = time.monotonic() - t0
    assert proc.returncode in (1, 2), proc.stderr
    records = _journal(out, "lab2")
    seen = next(r for r in records if r["type"] == "provision")
    assert seen["status"] == "unreachable" and seen["unreachable"] and not seen["ok"], seen
    lost = next(r for r in records if r["type"] == "unreachable")
    assert lost["reason"] == "timeout" and "seen by the readiness command" in lost["detail"], lost
    # the worker did not connect again: it reported the host lost well within one more timeout
    assert _ts(lost["time"]) - _ts(seen["time"]) < FROZEN_TIMEOUT_S, (seen["time"], lost["time"])
    hung = host_of(results(out), "lab2")
    assert hung["unreachable"]["reason"] == "timeout" and hung["verdict"] == "INCOMPLETE"
    assert hung["provisioning"] is None  # an unreachable host is never a failed provisioning
    assert host_of(results(out), "lab1")["complete"]
    assert elapsed < 2 * FROZEN_TIMEOUT_S + 60  # one timeout and lab1's checks, not two timeouts after them


def _job_started(out: Path) -> bool:
    events = out / "provision" / ".job-prepare-1" / "artifacts" / "prepare" / "job_events"
    return events.is_dir() and any(events.iterdir())


def _answered(out: Path, host: str) -> bool:
    """The host's readiness answer is written: its prepare job is about to start, and has connected to nothing."""
    return any((out / "evidence").glob(f"{host}/*provision-readiness*")) if (out / "evidence").is_dir() else False


def test_a_second_sigint_cancels_the_running_job(lab: Lab, tmp_path: Path) -> None:
    # lab1 needs the playbook (its working directory's parent is missing); its sshd freezes once the job
    # started, so the job would hang until Ansible's timeout (ControlPersist keeps the session open)
    inventory = _inventory(lab, tmp_path, lab1={"xc_workdir": str(tmp_path / "p" / "work"), "ansible_ssh_timeout": 120})
    out = tmp_path / "run"
    proc = subprocess.Popen(
        [sys.executable, "-m", "harness", "certify", "-i", str(inventory), "--limit", "lab1", "--out", str(out),
         "--format", "json"],
        cwd=ROOT, env={**os.environ, **lab.env}, start_new_session=True,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 120
        while not _answered(out, "lab1") and proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.01)
        assert _answered(out, "lab1"), "the readiness command never answered"
        # frozen before the job reaches it (on a loaded machine the job's events come late: a play could
        # otherwise end before the freeze), so the job's connection hangs until it is cancelled
        with _frozen(lab, "lab1"):
            while not _job_started(out) and proc.poll() is None and time.monotonic() < deadline:
                time.sleep(0.05)
            assert _job_started(out), "the prepare job never started"
            proc.send_signal(signal.SIGINT)  # first: finish what is in flight, start nothing new
            time.sleep(0.5)
            t0 = time.monotonic()
            proc.send_signal(signal.SIGINT)  # second: abort, the job included
            rc = proc.wait(timeout=60)
            stopped_in = time.monotonic() - t0
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
    assert rc == 130, proc.stderr.read().decode() if proc.stderr else rc
    assert stopped_in < 20, stopped_in  # ansible-runner asks its cancel callback once a second
    status = out / "provision" / ".job-prepare-1" / "artifacts" / "prepare" / "status"
    assert status.read_text(encoding="utf-8").strip() == "canceled"
    left = subprocess.run(["pgrep", "-f", str(out / "provision")], capture_output=True, check=False)
    ps = subprocess.run(
        ["ps", "-o", "pid,pgid,sid,args", "-p", ",".join(left.stdout.decode().split()) or "1"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert left.returncode == 1, ps.stdout  # no ansible-playbook (nor ssh) of the run is left
    prepare = next(r for r in _journal(out, "lab1") if r["type"] == "provision")
    assert not prepare["ok"] and prepare["status"] == "canceled", prepare
