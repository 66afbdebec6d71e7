"""Provisioning only what is missing, on real lab hosts through real ansible-runner.

One certify of three lab hosts: lab1 has everything (skipped, with what was found), lab2 and lab3
each miss their working directory's parent (the readiness command makes a directory, never its
parents), so they share one ansible-runner job; lab3's directory cannot be made at all (under
/proc), so its provisioning fails: an error for lab3 alone, never a failed check, never lab1's or
lab2's concern.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.conftest import xcert
from tests.integration.lab_fixture import Lab, host_of, lab_session, results

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def lab(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Lab]:
    yield from lab_session(tmp_path_factory, "--hosts", "3")


@pytest.fixture(scope="module")
def run(lab: Lab, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    assert lab.inventory is not None
    tmp = tmp_path_factory.mktemp("prov")
    data = yaml.safe_load(lab.inventory.read_text(encoding="utf-8"))
    hosts = data["all"]["children"]["xcert_lab"]["hosts"]
    parent = tmp / "parent-made-by-ansible"
    hosts["lab1"]["xc_workdir"] = str(tmp / "work-lab1")  # a folder of this test (where the check looks)
    hosts["lab2"]["xc_workdir"] = str(parent / "work-lab2")
    hosts["lab3"]["xc_workdir"] = "/proc/xcert-cannot-be-made-here"
    inventory = tmp / "inv.yml"
    inventory.write_text(yaml.safe_dump(data), encoding="utf-8")
    out = tmp / "run"
    proc = xcert("certify", "-i", str(inventory), "--out", str(out), "--format", "json", "--forks", "3", env=lab.env)
    assert proc.returncode in (1, 2), proc.stderr
    try:
        yield out
    finally:
        shutil.rmtree(parent, ignore_errors=True)


def _provision(out: Path, host: str) -> list[dict[str, Any]]:
    lines = (out / "journal" / f"{host}.jsonl").read_text(encoding="utf-8").splitlines()
    return [r for r in map(json.loads, lines) if r["type"] == "provision"]


def test_a_ready_host_is_skipped_with_what_was_found(run: Path) -> None:
    prepare, cleanup = _provision(run, "lab1")
    assert prepare["action"] == "prepare" and prepare["ok"] and prepare["status"] == "skipped"
    assert prepare["message"].startswith("skipped: found lsblk (") and "dmidecode (" in prepare["message"]
    evidence = json.loads((run / prepare["evidence"][0]).read_text(encoding="utf-8"))
    assert evidence["readiness"]["ready"] and evidence["readiness"]["workdir_state"] == "made"
    command = json.loads((run / evidence["command"]).read_text(encoding="utf-8"))
    assert command["rc"] == 0 and "have ip " in command["stdout"]  # what the host answered, as evidence
    assert not (run / "provision" / "lab1").exists()  # ansible-runner never ran for it
    # the working directory it made is removed after its checks, and only that
    assert cleanup["action"] == "cleanup" and cleanup["status"] == "done", cleanup
    assert not Path(evidence["readiness"]["workdir"]).exists()
    assert host_of(results(run), "lab1")["provisioning"] is None


def test_two_unready_hosts_share_one_runner_job(run: Path) -> None:
    jobs = sorted(p.name for p in (run / "provision").iterdir() if p.name.startswith(".job-prepare"))
    assert jobs == [".job-prepare-1"], jobs
    inventory = (run / "provision" / jobs[0] / "inventory" / "hosts.yml").read_text(encoding="utf-8")
    assert set(yaml.safe_load(inventory.replace("!unsafe", ""))["all"]["hosts"]) == {"lab2", "lab3"}
    assert (run / "provision" / jobs[0] / "inventory" / "hosts.yml").stat().st_mode & 0o077 == 0
    prepare = _provision(run, "lab2")[0]
    assert prepare["ok"] and prepare["status"] == "successful", prepare
    evidence = json.loads((run / prepare["evidence"][0]).read_text(encoding="utf-8"))
    assert evidence["job"] == "provision/.job-prepare-1" and evidence["job_hosts"] == 2
    assert "missing" in evidence["decision"] and not evidence["readiness"]["ready"]
    made = next(
        t for t in evidence["tasks"] if t["task"] == "Make the working directory and find the tools that are missing"
    )
    assert made["status"] == "changed" and made["host"] == "lab2"
    assert all(t["host"] == "lab2" for t in evidence["tasks"])  # its own tasks, not its neighbour's
    assert list((run / "provision" / "lab2" / "artifacts" / "prepare" / "job_events").glob("*.json"))
    # what the playbook made is removed after the checks, over xcert's own SSH: no cleanup job
    assert [p.name for p in (run / "provision").iterdir() if p.name.startswith(".job-")] == [".job-prepare-1"]
    cleanup = _provision(run, "lab2")[-1]
    assert cleanup["action"] == "cleanup" and cleanup["ok"] and cleanup["status"] == "done", cleanup
    assert json.loads((run / cleanup["evidence"][0]).read_text(encoding="utf-8"))["made_by"] == "the prepare playbook"
    assert not Path(evidence["readiness"]["workdir"]).exists()
    # the host whose playbook made nothing has nothing removed
    assert [r["action"] for r in _provision(run, "lab3")] == ["prepare"]


def test_a_failing_provision_is_an_error_for_that_host_only(run: Path) -> None:
    res = results(run)
    prepare = _provision(run, "lab3")[0]
    assert not prepare["ok"] and not prepare["unreachable"]
    assert prepare["task"] == "Make the working directory and find the tools that are missing" and prepare["message"]
    lab3 = host_of(res, "lab3")
    assert lab3["provisioning"]["task"] == "Make the working directory and find the tools that are missing"
    assert lab3["verdict"] in ("INCOMPLETE", "NOT_CERTIFIED") and lab3["reachable"]
    # its checks still ran and are real observations; no check failed because of the provisioning
    assert lab3["complete"] and not any("rovision" in c["message"] for c in lab3["checks"])
    for name in ("lab1", "lab2"):
        other = host_of(res, name)
        assert other["provisioning"] is None and other["complete"], other
    # lab1 (ready) did not wait for the job: its checks started before lab3's play ended
    lab1_start = next(
        r["time"] for r in map(json.loads, (run / "journal" / "lab1.jsonl").open()) if r["type"] == "plan"
    )
    assert lab1_start < prepare["time"]
