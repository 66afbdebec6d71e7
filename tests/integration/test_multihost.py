"""Many hosts over real SSH: the lab's three hosts, a closed port, a host lost mid-run, changed host keys."""

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

import pytest
import yaml

from tests.conftest import ROOT, xcert
from tests.integration.lab_fixture import EXIT, Lab, host_of, lab_session, results, run_verdict

pytestmark = pytest.mark.integration

CLOSED = ROOT / "inventories" / "examples" / "closed-port.yml"


@pytest.fixture(scope="module")
def lab(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Lab]:
    yield from lab_session(tmp_path_factory, "--hosts", "3", "--identity", "kylin-v10", "--identity", "uos-20")


def test_three_lab_hosts_checked_and_a_closed_port_unreachable(lab: Lab, tmp_path: Path) -> None:
    out = tmp_path / "run"
    proc = xcert(
        "certify", "-i", str(lab.inventory), "-i", str(CLOSED), "--out", str(out), "--format", "json,junit", env=lab.env
    )
    res = results(out)
    assert proc.stdout.strip().splitlines()[-1] == str(out)
    for name in ("lab1", "lab2", "lab3"):
        host = host_of(res, name)
        assert host["reachable"] and host["lab"], host
        assert host["complete"] and not host["undecided"], host
        assert host["checks"] and all(c["evidence"] for c in host["checks"] if c["outcome"] in ("pass", "fail"))
    # identification ran over real SSH against each host's own view of /etc
    assert host_of(res, "lab1")["stack"]["detected"]["os"]["catalog_id"].startswith("kylin-server-v10")
    assert host_of(res, "lab2")["stack"]["detected"]["os"]["catalog_id"].startswith("uos-server-20")
    closed = host_of(res, "closed-port")
    assert not closed["reachable"]
    assert closed["unreachable"]["reason"] == "refused", closed["unreachable"]
    assert closed["verdict"] == "INCOMPLETE"
    assert not any(c["outcome"] == "fail" for c in closed["checks"])
    assert res["verdict"] == run_verdict(res["hosts"])
    assert proc.returncode == EXIT[res["verdict"]], proc.stderr
    # lab hosts have every tool (they share this machine's): ansible-runner is skipped, and the journal says why
    prepare = next(
        r
        for r in map(json.loads, (out / "journal" / "lab1.jsonl").read_text(encoding="utf-8").splitlines())
        if r["type"] == "provision" and r["action"] == "prepare"
    )
    assert prepare["status"] == "skipped" and prepare["message"].startswith("skipped: found "), prepare


def _established(netns: str) -> bool:
    out = subprocess.run(
        ["ip", "netns", "exec", netns, "ss", "-Htn", "state", "established", "( sport = :22 )"],
        capture_output=True,
        text=True,
        check=False,
    ).stdout
    return bool(out.strip())


def test_a_host_killed_mid_run_is_unreachable_and_the_others_complete(lab: Lab, tmp_path: Path) -> None:
    out = tmp_path / "run"
    cmd = [sys.executable, "-m", "harness", "certify", "-i", str(lab.inventory), "--out", str(out)]
    cmd += ["--format", "json", "--no-provision"]
    proc = subprocess.Popen(
        cmd, cwd=ROOT, env={**os.environ, **lab.env}, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    victim = lab.host("lab2")
    try:
        deadline = time.monotonic() + 60
        while not _established(victim["netns"]):
            assert time.monotonic() < deadline, "lab2 never got a connection"
            assert proc.poll() is None, proc.communicate()
            time.sleep(0.01)
        # the worker is connected: take the host down with every session on it
        subprocess.run(
            [sys.executable, "-c", "from harness.lab.lab import kill_host; assert kill_host('lab2')"],
            cwd=ROOT,
            env={**os.environ, **lab.env},
            check=True,
        )
        _, stderr = proc.communicate(timeout=300)
    finally:
        if proc.poll() is None:
            proc.kill()
        subprocess.run(
            [sys.executable, "-c", "from harness.lab.lab import restart_host; restart_host('lab2')"],
            cwd=ROOT,
            env={**os.environ, **lab.env},
            check=False,
        )
    res = results(out)
    lost = host_of(res, "lab2")
    assert not lost["reachable"], lost
    assert lost["unreachable"]["reason"] in ("lost", "refused"), lost["unreachable"]
    assert lost["verdict"] == "INCOMPLETE"
    assert not any(c["outcome"] == "fail" for c in lost["checks"]), lost["checks"]
    for name in ("lab1", "lab3"):
        assert host_of(res, name)["complete"], host_of(res, name)
    assert proc.returncode == EXIT[res["verdict"]], stderr


def _inventory_for(lab: Lab, tmp_path: Path, known_hosts: Path) -> Path:
    assert lab.inventory is not None
    data = yaml.safe_load(lab.inventory.read_text(encoding="utf-8"))
    hostvars = data["all"]["children"]["xcert_lab"]["hosts"]["lab1"]
    hostvars["ansible_ssh_common_args"] = f"-o UserKnownHostsFile={known_hosts}"
    path = tmp_path / "one.yml"
    path.write_text(yaml.safe_dump({"all": {"hosts": {"lab1": hostvars}}}), encoding="utf-8")
    return path


def test_a_changed_host_key_is_refused(lab: Lab, tmp_path: Path) -> None:
    other = tmp_path / "other_key"
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(other)], check=True)
    known = tmp_path / "known_hosts"
    address = lab.host("lab1")["address"]
    known.write_text(
        f"{address} {other.with_suffix('.pub').read_text().split()[0]} "
        f"{other.with_suffix('.pub').read_text().split()[1]}\n"
    )
    inventory = _inventory_for(lab, tmp_path, known)
    for extra in ((), ("--accept-new-host-keys",)):  # trust on first use never overrides a changed key
        out = tmp_path / f"run{len(extra)}"
        proc = xcert("certify", "-i", str(inventory), "--out", str(out), "--format", "json", "--no-provision", *extra)
        host = host_of(results(out), "lab1")
        assert host["unreachable"]["reason"] == "host key", host["unreachable"]
        assert "CHANGED" in host["unreachable"]["detail"]
        assert host["verdict"] == "INCOMPLETE"
        assert not any(c["outcome"] in ("pass", "fail") for c in host["checks"]), host["checks"]
        assert proc.returncode == 2, proc.stderr


def test_an_unknown_host_key_is_refused_unless_accepted(lab: Lab, tmp_path: Path) -> None:
    known = tmp_path / "known_hosts"
    inventory = _inventory_for(lab, tmp_path, known)
    out = tmp_path / "refused"
    xcert("certify", "-i", str(inventory), "--out", str(out), "--format", "json", "--no-provision")
    host = host_of(results(out), "lab1")
    assert host["unreachable"]["reason"] == "host key" and "not in" in host["unreachable"]["detail"]
    assert not known.exists() or not known.read_text().strip()
    out = tmp_path / "accepted"
    xcert(
        "certify",
        "-i",
        str(inventory),
        "--out",
        str(out),
        "--format",
        "json",
        "--no-provision",
        "--accept-new-host-keys",
    )
    host = host_of(results(out), "lab1")
    assert host["reachable"] and host["complete"], host
    pub = (lab.dir / "hosts" / "lab1" / "ssh_host_ed25519_key.pub").read_text().split()[1]
    assert pub in known.read_text()  # the key was recorded


def test_a_failed_provisioning_is_journaled_with_its_task(lab: Lab, tmp_path: Path) -> None:
    assert lab.inventory is not None
    data = yaml.safe_load(lab.inventory.read_text(encoding="utf-8"))
    hostvars = data["all"]["children"]["xcert_lab"]["hosts"]["lab3"]
    hostvars["xc_workdir"] = "/proc/xcert-cannot-be-made-here"
    inventory = tmp_path / "bad-workdir.yml"
    inventory.write_text(yaml.safe_dump({"all": {"hosts": {"lab3": hostvars}}}), encoding="utf-8")
    out = tmp_path / "run"
    xcert("certify", "-i", str(inventory), "--out", str(out), "--format", "json", env=lab.env)
    records = [json.loads(line) for line in (out / "journal" / "lab3.jsonl").read_text().splitlines()]
    prepare = next(r for r in records if r["type"] == "provision" and r["action"] == "prepare")
    assert not prepare["ok"] and not prepare["unreachable"]
    assert prepare["task"] == "Make the working directory and find the tools that are missing" and prepare["message"]
    evidence = json.loads((out / prepare["evidence"][0]).read_text(encoding="utf-8"))
    assert any(t["status"] == "failed" and t["task"] == prepare["task"] for t in evidence["tasks"])
    # the host was still looked at: its checks are real observations (the results builder makes
    # the host INCOMPLETE from the failed prepare record)
    assert host_of(results(out), "lab3")["reachable"]


HUNG_TIMEOUT_S = 25


def test_a_hung_host_holds_nobody_up(lab: Lab, tmp_path: Path) -> None:
    assert lab.inventory is not None
    data = yaml.safe_load(lab.inventory.read_text(encoding="utf-8"))
    # long enough that lab1's whole run fits in it even on a loaded machine (measured: 2-6 s), so the
    # ordering below says "lab1 did not wait for lab3", not "lab1 was quicker than 3 s"
    data["all"]["children"]["xcert_lab"]["hosts"]["lab3"]["ansible_ssh_timeout"] = HUNG_TIMEOUT_S
    inventory = tmp_path / "inv.yml"
    inventory.write_text(yaml.safe_dump(data), encoding="utf-8")
    netns = lab.host("lab3")["netns"]
    pids = subprocess.run(["ip", "netns", "pids", netns], capture_output=True, text=True, check=True).stdout.split()
    assert pids
    out = tmp_path / "run"
    try:
        for pid in pids:  # lab3 accepts TCP connections (the kernel does) but its sshd never answers
            os.kill(int(pid), signal.SIGSTOP)
        xcert("certify", "-i", str(inventory), "--out", str(out), "--format", "json", "--no-provision", env=lab.env)
    finally:
        for pid in pids:
            with contextlib.suppress(ProcessLookupError):
                os.kill(int(pid), signal.SIGCONT)
    res = results(out)
    hung = host_of(res, "lab3")
    assert hung["unreachable"]["reason"] == "timeout" and hung["verdict"] == "INCOMPLETE", hung["unreachable"]
    journal = {
        name: [json.loads(line) for line in (out / "journal" / f"{name}.jsonl").read_text().splitlines()]
        for name in ("lab1", "lab3")
    }
    lab1_end = next(r["time"] for r in journal["lab1"] if r["type"] == "host_end")
    lab3_lost = next(r["time"] for r in journal["lab3"] if r["type"] == "unreachable")
    assert host_of(res, "lab1")["complete"] and host_of(res, "lab2")["complete"]
    assert lab1_end < lab3_lost  # lab1 finished while lab3 was still being waited for
