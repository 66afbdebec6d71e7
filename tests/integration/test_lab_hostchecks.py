"""The host checks of issue 15 on a real lab host over SSH: every probe runs in the host's own shell.

The lab host presents the Kylin V10 identity (real captures), declares openGauss, and has
net.core.somaxconn lowered inside its own network namespace, which openGauss requires to be 65535.
"""

from __future__ import annotations

import json
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.conftest import xcert
from tests.integration.lab_fixture import Lab, host_of, lab_session, results
from tests.unit.suites.test_hostcheck_metadata import host_checks

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def lab(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Lab]:
    yield from lab_session(tmp_path_factory, "--hosts", "1", "--identity", "kylin-v10")


@pytest.fixture(scope="module")
def run(lab: Lab, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    assert lab.inventory is not None
    netns = lab.host("lab1")["netns"]
    subprocess.run(["ip", "netns", "exec", netns, "sysctl", "-q", "-w", "net.core.somaxconn=128"], check=True)
    data = yaml.safe_load(lab.inventory.read_text(encoding="utf-8"))
    data["all"]["children"]["xcert_lab"]["hosts"]["lab1"]["xc_db"] = "opengauss"
    tmp = tmp_path_factory.mktemp("hostchecks-lab")
    inventory = tmp / "inventory.yml"
    inventory.write_text(yaml.safe_dump(data), encoding="utf-8")
    out = tmp / "run"
    proc = xcert(
        "certify",
        "-i",
        str(inventory),
        "--profile",
        "full",
        "--no-provision",
        "--out",
        str(out),
        env=lab.env,
        timeout=600,
    )
    assert proc.returncode in (1, 2), proc.stderr[-2000:]
    return results(out)


def _checks(run: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {c["id"]: c for c in host_of(run, "lab1")["checks"]}


def test_every_host_check_is_decided_and_errors_say_what_is_missing(run: dict[str, Any]) -> None:
    checks = _checks(run)
    for meta in host_checks():
        c = checks[meta.id]
        assert c["outcome"] in ("pass", "fail", "not_applicable", "error"), (meta.id, c["outcome"])
        if c["outcome"] == "error":
            assert c["message"].startswith("FactMissing: "), (meta.id, c["message"])


def test_the_lowered_kernel_parameter_fails_for_opengauss(run: dict[str, Any]) -> None:
    c = _checks(run)["XC-OS-158"]
    assert c["outcome"] == "fail"
    assert "net.core.somaxconn is 128" in c["message"] and "= 65535" in c["message"]


def test_probes_ran_on_the_lab_host(run: dict[str, Any], lab: Lab) -> None:
    checks = _checks(run)
    # the Kylin identity is seen, and KYSEC's tool is absent on this machine: not applicable, with the reason
    assert checks["XC-OS-110"]["outcome"] == "not_applicable"
    assert "getstatus" in checks["XC-OS-110"]["message"]
    # the host's own name resolves through its own /etc/hosts (the lab writes it)
    assert checks["XC-OS-211"]["outcome"] == "pass", checks["XC-OS-211"]["message"]
    # the SM2 round trip ran through the host's openssl
    assert checks["XC-OS-134"]["outcome"] == "pass", checks["XC-OS-134"]["message"]
    evidence = Path(json.dumps(checks["XC-OS-158"]["evidence"]))
    assert "hc-sysctl-db" in str(evidence)
