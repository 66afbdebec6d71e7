"""Checks against a real SSH lab host: testinfra's ``host`` answers from the target (not this
machine), and a check's own timeout kills what it started on the target."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from harness.inventory import load_inventory
from harness.transport.ssh import SshTransport
from tests.conftest import xcert
from tests.integration.lab_fixture import Lab, host_of, lab_session, results

pytestmark = pytest.mark.integration

SUITE = """
from harness.checks import N_, check

def meta(cid, **kw):
    return check(cid, layer="os", severity="mandatory", title=N_("t"), requirement=N_("r"), remedy=N_("m"), **kw)

@meta("XC-OS-951")
def test_testinfra_host_is_the_target(host, xc):
    name = host.run("hostname").stdout.strip()
    os_release = host.file("/etc/os-release").content_string
    ssh = host.package("openssh-server")
    service = host.service("ssh")
    xc.note(N_("{name} {distribution} {installed} {version} {running}"), name=name,
            distribution=host.system_info.distribution, installed=ssh.is_installed, version=ssh.version,
            running=service.is_running)
    assert name == "lab1"
    assert "Kylin" in os_release
    assert ssh.is_installed

@meta("XC-OS-952", timeout_s=2)
def test_own_timeout(target, xc):
    target.run("sleep 307.3; echo never", timeout_s=600)
"""


@pytest.fixture(scope="module")
def lab(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Lab]:
    yield from lab_session(tmp_path_factory, "--hosts", "1", "--identity", "kylin-v10")


@pytest.fixture(scope="module")
def run(lab: Lab, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Any]]:
    assert lab.inventory is not None
    tmp = tmp_path_factory.mktemp("labchecks")
    (tmp / "suites" / "os").mkdir(parents=True)
    (tmp / "suites" / "os" / "test_lab.py").write_text(SUITE, encoding="utf-8")
    out = tmp / "run"
    env = {**lab.env, "XCERT_SUITES": str(tmp / "suites")}
    proc = xcert("certify", "-i", str(lab.inventory), "--out", str(out), "--format", "json", "--no-provision", env=env)
    assert proc.returncode == 2, proc.stderr  # the timed-out check leaves the host INCOMPLETE
    return out, host_of(results(out), "lab1")


def _check(host: dict[str, Any], check_id: str) -> dict[str, Any]:
    return next(c for c in host["checks"] if c["id"] == check_id)


def test_host_fixture_answers_from_the_lab_host(run: tuple[Path, dict[str, Any]]) -> None:
    out, host = run
    check = _check(host, "XC-OS-951")
    assert check["outcome"] == "pass", check["message"]
    args = check["message_args"]
    # this machine is a Debian container named otherwise; the lab host presents Kylin V10
    assert args["name"] == "lab1" and args["distribution"] == "kylin", args
    assert args["installed"] == "True" and args["version"]
    # every command testinfra ran is the check's evidence, run on lab1
    commands = [json.loads((out / ref).read_text(encoding="utf-8")) for ref in check["evidence"]]
    ran = [c.get("command", "") for c in commands]
    assert "hostname" in ran
    assert any("dpkg-query" in c or "dpkg -s" in c for c in ran), ran
    assert any("systemctl" in c or "service" in c for c in ran), ran


def test_a_checks_own_timeout_kills_the_remote_command(lab: Lab, run: tuple[Path, dict[str, Any]]) -> None:
    _, host = run
    check = _check(host, "XC-OS-952")
    assert (check["outcome"], check["message_key"]) == ("error", "timeout after {seconds} s")
    assert lab.inventory is not None
    spec = load_inventory([lab.inventory], "lab1")[0]
    with SshTransport(spec) as t:
        assert t.run("pgrep -f 'sleep 307[.]3' || echo none").stdout == b"none\n"
