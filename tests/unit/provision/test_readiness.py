"""The readiness command and its answer: run by the real sh here, read back as the provisioner reads it."""

from __future__ import annotations

import subprocess
from pathlib import Path

import yaml

from harness.inventory import HostSpec
from harness.provision import batch, readiness
from harness.provision.driver import PLAYBOOKS
from harness.transport.base import CommandResult


def _spec(**kw: object) -> HostSpec:
    return HostSpec(name="h1", connection="ssh", address="10.0.0.1", **kw)  # type: ignore[arg-type]


def _sh(spec: HostSpec, path: str = "/usr/bin:/bin") -> CommandResult:
    stdin = readiness.script_input(spec)
    assert stdin is not None
    proc = subprocess.run(
        ["/bin/sh", "-c", readiness.READY_SCRIPT], input=stdin, capture_output=True, env={"PATH": path}, check=False
    )
    return CommandResult(readiness.READY_SCRIPT, proc.returncode, proc.stdout, proc.stderr, 0.01, "", False, False)


def test_the_tools_are_the_playbooks_own() -> None:
    plays = yaml.safe_load((PLAYBOOKS / "prepare.yml").read_text(encoding="utf-8"))
    assert readiness.tools() == tuple(plays[0]["vars"]["xc_tools"]) == ("lsblk", "dmidecode", "ip")
    spec = _spec(provision_vars={"xc_db_client": "mariadb"}, db_targets=({"family": "postgresql"}, {"family": "x"}))
    assert readiness.db_clients(spec) == ("mysql", "psql")
    assert batch.last_task("prepare") == "Install the missing tools with the target's package manager"


def test_a_host_with_every_tool_is_ready_and_its_working_directory_made(tmp_path: Path) -> None:
    work = tmp_path / "work"
    spec = _spec(provision_vars={"xc_workdir": str(work)})
    found = readiness.parse(_sh(spec, "/usr/bin:/bin:/usr/sbin:/sbin"), spec)
    assert found.ready and found.workdir_state == "made" and work.is_dir()
    assert work.stat().st_mode & 0o777 == 0o700
    assert found.reason().startswith("skipped: found lsblk (")
    again = readiness.parse(_sh(spec), spec)
    assert again.ready and again.workdir_state == "found"  # made before: found, and not ours to remove


def test_a_missing_tool_makes_nothing_and_says_what_is_missing(tmp_path: Path) -> None:
    work = tmp_path / "work"
    spec = _spec(provision_vars={"xc_workdir": str(work), "xc_db_client": "postgresql"}, db_targets=())
    bare = tmp_path / "bin"
    bare.mkdir()
    found = readiness.parse(_sh(spec, str(bare)), spec)
    assert not found.ready and not found.error
    # /usr/sbin and /sbin are always searched (dmidecode and ip live there); lsblk and psql are not
    assert {"lsblk", "psql"} <= set(found.missing)
    assert found.workdir_state == "missing" and not work.exists()  # the playbook makes it, with the tools
    assert found.reason().startswith("needed: lsblk, ") and f"working directory {work} missing" in found.reason()


def test_a_directory_whose_parent_is_missing_is_left_to_the_playbook(tmp_path: Path) -> None:
    spec = _spec(provision_vars={"xc_workdir": str(tmp_path / "a" / "b")})
    found = readiness.parse(_sh(spec, "/usr/bin:/bin:/usr/sbin:/sbin"), spec)
    assert not found.ready and found.workdir_state == "missing" and not (tmp_path / "a").exists()


def test_values_that_cannot_go_through_stdin_are_not_sent() -> None:
    assert readiness.script_input(_spec(provision_vars={"xc_workdir": "relative/dir"})) is None
    assert readiness.script_input(_spec(provision_vars={"xc_workdir": "/tmp/a\nmissing lsblk"})) is None
    assert readiness.script_input(_spec()) == b"/tmp/xcert-work-h1\nlsblk\ndmidecode\nip\n"


def test_an_answer_that_is_not_whole_is_not_ready() -> None:
    spec = _spec()
    partial = CommandResult("x", 0, b"have lsblk /usr/bin/lsblk\nworkdir found\n", b"", 0.0, "", False, False)
    found = readiness.parse(partial, spec)
    assert not found.ready and found.error
    failed = CommandResult("x", 1, b"", b"sudo: a password is required\n", 0.0, "", False, False)
    assert "sudo: a password is required" in readiness.parse(failed, spec).reason()


def test_hosts_share_a_job_unless_their_secrets_or_ssh_arguments_differ() -> None:
    a, b = _spec(), HostSpec(name="h2", connection="ssh", address="10.0.0.2")
    c = HostSpec(name="h3", connection="ssh", address="10.0.0.3", password="pw")
    d = HostSpec(name="h4", connection="ssh", address="10.0.0.4", known_hosts="/other")
    assert [[s.name for s in g] for g in batch.group([a, b, c, d])] == [["h1", "h2"], ["h3"], ["h4"]]
