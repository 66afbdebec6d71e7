"""The parts provisioning at fleet speed is made of: the run's ControlPath folder, the environment
ansible-playbook gets, a host's pipelining, the readiness loss handed to a worker, what the prepare
playbook says it made (the cleanup removes only that), and the message of a failed raw task."""

from __future__ import annotations

import os
import shutil
import stat
import tempfile
from pathlib import Path

import yaml

from harness.inventory import HostSpec
from harness.provision import control, resolved, seen
from harness.provision.driver import PLAYBOOKS, outcome_of, runner_env
from harness.provision.fleet import made_workdir
from harness.transport.base import HostUnreachable


def _spec(**kw: object) -> HostSpec:
    return HostSpec(name="h1", connection="ssh", address="10.0.0.1", **kw)  # type: ignore[arg-type]


def test_the_control_folder_is_private_short_and_removed(tmp_path: Path) -> None:
    short = Path(tempfile.mkdtemp(prefix="r", dir="/tmp"))
    try:
        folder = control.make(short / "provision")  # the run's own, where the path leaves room for a socket
        assert folder == short / "provision" / ".ssh-control" and stat.S_IMODE(folder.stat().st_mode) == 0o700
        assert control.stop(folder) == 0 and not folder.exists()
    finally:
        shutil.rmtree(short)
    deep = tmp_path / ("x" * 90) / "provision"
    other = control.make(deep)  # too long for a socket path: a temporary folder of its own
    assert other.parent != deep and stat.S_IMODE(other.stat().st_mode) == 0o700
    assert len(os.fsencode(str(other))) <= control.MAX_DIR_BYTES
    control.stop(other)
    assert not other.exists()


def test_ansible_playbook_gets_pipelining_and_the_control_folder(tmp_path: Path) -> None:
    env = runner_env(_spec(ssh_args="-C -o ControlMaster=auto -o ControlPersist=60s"), tmp_path)
    assert env["ANSIBLE_PIPELINING"] == "True" and env["ANSIBLE_SSH_CONTROL_PATH_DIR"] == str(tmp_path)
    assert env["ANSIBLE_SSH_ARGS"].endswith("-o ControlPersist=60s")  # the resolved ssh_args, as they were
    assert "ANSIBLE_SSH_CONTROL_PATH_DIR" not in runner_env(_spec())


def test_pipelining_can_be_turned_off_per_host_and_xcert_variables_are_never_templated(tmp_path: Path) -> None:
    assert "ansible_pipelining" not in resolved.host_vars(_spec())
    assert resolved.host_vars(_spec(provision_vars={"xc_pipelining": "false"}))["ansible_pipelining"] is False
    assert resolved.host_vars(_spec(provision_vars={"xc_pipelining": True}))["ansible_pipelining"] is True
    path = resolved.write_many([_spec()], tmp_path / "hosts.yml", {"h1": {"xc_var": "/p/{{ x }}"}})
    text = path.read_text(encoding="utf-8")
    assert "xc_var: !unsafe '/p/{{ x }}'" in text  # never templated
    assert yaml.safe_load(text.replace("!unsafe", ""))["all"]["hosts"]["h1"]["xc_var"] == "/p/{{ x }}"


def test_a_worker_learns_what_the_readiness_command_met() -> None:
    env = {seen.SEEN_LOST_ENV: '{"reason": "timeout", "detail": "no SSH banner after 8 s"}'}
    lost = seen.from_env(env)
    assert isinstance(lost, HostUnreachable) and lost.reason == "timeout"
    assert lost.detail == "no SSH banner after 8 s (seen by the readiness command)"
    for bad in ("", "{", "[]", '{"reason": ""}', '{"reason": 3}'):
        assert seen.from_env({seen.SEEN_LOST_ENV: bad}) is None
    assert seen.from_env({}) is None


def test_a_failed_raw_task_says_why_not_non_zero_return_code() -> None:
    task = {"task": "T", "host": "h1", "status": "failed", "msg": "non-zero return code", "rc": 1,
            "stdout": "cannot make the working directory /proc/x\r\n", "stderr": ""}  # fmt: skip
    assert outcome_of("prepare", "failed", 2, [task], 1.0).message == "non-zero return code"  # nothing better
    task["stderr"] = "cannot make the working directory /proc/x"
    assert outcome_of("prepare", "failed", 2, [task], 1.0).message == "cannot make the working directory /proc/x"


def _probe(status: str, stdout: str) -> dict[str, object]:
    return {"task": "Make the working directory and find the tools that are missing", "host": "h1",
            "status": status, "msg": "", "rc": 0, "stdout": stdout, "stderr": ""}  # fmt: skip


def test_only_a_working_directory_the_playbook_made_is_removed_after() -> None:
    made = outcome_of("prepare", "successful", 0, [_probe("changed", "workdir=made\r\npm=apt-get\r\n")], 1.0)
    assert made_workdir(made)
    found = outcome_of("prepare", "successful", 0, [_probe("ok", "workdir=found\r\npm=apt-get\r\n")], 1.0)
    assert not made_workdir(found)  # there before the run: kept
    failed = outcome_of("prepare", "failed", 2, [_probe("failed", "")], 1.0)
    assert not made_workdir(failed)  # failed before it made anything
    spoofed = outcome_of("prepare", "successful", 0, [_probe("changed", "x workdir=made y\r\n")], 1.0)
    assert not made_workdir(spoofed)  # the whole line, never a part of one
    unreachable = outcome_of("prepare", "failed", 4, [_probe("changed", "workdir=made\n"),
                                                      {**_probe("unreachable", ""), "task": "Install"}], 1.0)  # fmt: skip
    assert not made_workdir(unreachable)


def test_the_playbook_prints_what_the_cleanup_looks_for() -> None:
    plays = yaml.safe_load((PLAYBOOKS / "prepare.yml").read_text(encoding="utf-8"))
    first = plays[0]["tasks"][0]
    assert 'echo "workdir=$w"' in first["ansible.builtin.raw"] and "w=made" in first["ansible.builtin.raw"]
    assert first["changed_when"] == "'workdir=made' in xc_probe.stdout_lines"
    assert [p.name for p in PLAYBOOKS.iterdir()] == ["prepare.yml"]  # the cleanup is no playbook: one rm over SSH
