"""The parts provisioning at fleet speed is made of: cleanup signals over real named pipes, the run's
ControlPath folder, the environment ansible-playbook gets, a host's pipelining, the readiness loss handed
to a worker, and the message of a failed raw task."""

from __future__ import annotations

import os
import shutil
import stat
import tempfile
import threading
from pathlib import Path

import yaml

from harness.inventory import HostSpec
from harness.provision import control, resolved, seen
from harness.provision.driver import outcome_of, runner_env
from harness.provision.signals import GO, SKIP, Signals
from harness.transport.base import HostUnreachable


def _spec(**kw: object) -> HostSpec:
    return HostSpec(name="h1", connection="ssh", address="10.0.0.1", **kw)  # type: ignore[arg-type]


def _read(path: str, got: dict[str, str]) -> None:
    got[path] = Path(path).read_text(encoding="utf-8")  # blocks until a writer wrote and closed, as Ansible's lookup


def test_a_reader_gets_its_word_whether_it_opens_before_or_after_the_writer(tmp_path: Path) -> None:
    signals = Signals(tmp_path / "signals", ["a", "b"])
    assert stat.S_ISFIFO(os.stat(signals.path("a")).st_mode) and os.stat(signals.path("a")).st_mode & 0o077 == 0
    got: dict[str, str] = {}
    early = threading.Thread(target=_read, args=(signals.path("a"), got))
    early.start()  # the host reached its wait task before its checks ended
    signals.send("a", GO)
    early.join(timeout=10)
    signals.send("b", SKIP)  # sent before its reader opened the pipe: the writer tries again
    late = threading.Thread(target=_read, args=(signals.path("b"), got))
    late.start()
    late.join(timeout=10)
    assert got == {signals.path("a"): "go\n", signals.path("b"): "skip\n"}
    signals.send("a", SKIP)  # once per host: the first word stands
    assert signals.word("a") == GO and signals.word("b") == SKIP
    signals.close()
    assert not (tmp_path / "signals").exists()


def test_close_ends_a_writer_nobody_reads(tmp_path: Path) -> None:
    signals = Signals(tmp_path / "s", ["a"])
    signals.send_rest(GO)  # the job ended before the host's fork read its pipe
    signals.close()  # returns: the writer gave up
    assert all(not w.is_alive() for w in signals.writers)


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


def test_pipelining_can_be_turned_off_per_host_and_signals_reach_the_inventory(tmp_path: Path) -> None:
    assert "ansible_pipelining" not in resolved.host_vars(_spec())
    assert resolved.host_vars(_spec(provision_vars={"xc_pipelining": "false"}))["ansible_pipelining"] is False
    assert resolved.host_vars(_spec(provision_vars={"xc_pipelining": True}))["ansible_pipelining"] is True
    path = resolved.write_many([_spec()], tmp_path / "hosts.yml", {"h1": {"xc_cleanup_signal": "/p/{{ x }}"}})
    text = path.read_text(encoding="utf-8")
    assert "xc_cleanup_signal: !unsafe '/p/{{ x }}'" in text  # never templated
    assert yaml.safe_load(text.replace("!unsafe", ""))["all"]["hosts"]["h1"]["xc_cleanup_signal"] == "/p/{{ x }}"


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


def test_the_early_cleanup_task_has_its_own_limit() -> None:
    from harness.provision.driver import CLEANUP_TASK_TIMEOUT_S, PLAYBOOKS

    plays = yaml.safe_load((PLAYBOOKS / "cleanup.yml").read_text(encoding="utf-8"))
    (task,) = plays[0]["tasks"]  # one task: its condition waits for the checks, its timeout does not count that
    assert task["timeout"] == CLEANUP_TASK_TIMEOUT_S and "xc_cleanup_signal" in task["when"]
