"""The lab's real Tomcat (Debian's tomcat10 on Debian's JVM) against the middleware checks: one lab for the
session (conftest.py); the faults are made for real on the lab host, certified in one run, and undone.

Faults: a wrong JVM architecture identity (the JDK's release file says aarch64 inside the host's mount
namespace), a missing JDBC driver (its jar removed from CATALINA_BASE/lib), a datasource pointing at a closed
port (context.xml), and a stopped listener (the JVM frozen with SIGSTOP: the port stays bound, nothing answers).
"""

from __future__ import annotations

import os
import signal
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.conftest import xcert
from tests.integration.lab_fixture import Lab, host_of, results

pytestmark = pytest.mark.skipif(
    not Path("/usr/share/tomcat10/bin/catalina.sh").is_file(), reason="tomcat10 is not installed"
)

JAVA_RELEASE = Path("/usr/lib/jvm/java-17-openjdk-amd64/release")


@pytest.fixture(scope="module")
def lab(tomcat_lab: Lab) -> Lab:
    return tomcat_lab


def _certify(lab: Lab, out: Path, layers: str) -> dict[str, Any]:
    """``--profile full`` of lab1, the layers the tests read only (its database's checks: tests/integration/db)."""
    assert lab.inventory is not None
    proc = xcert(
        "certify",
        "-i",
        str(lab.inventory),
        "--profile",
        "full",
        "-m",
        layers,
        "--no-provision",
        "--out",
        str(out),
        "--format",
        "json",
        env=lab.env,
        timeout=300,
    )
    assert proc.returncode in (0, 1, 2), proc.stderr
    return host_of(results(out), "lab1")


def _checks(host: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {c["id"]: c for c in host["checks"]}


def _target(lab: Lab) -> dict[str, Any]:
    assert lab.inventory is not None
    inv = yaml.safe_load(lab.inventory.read_text(encoding="utf-8"))
    hostvars: dict[str, Any] = inv["all"]["children"]["xcert_lab"]["hosts"]["lab1"]
    target: dict[str, Any] = hostvars["xc_middleware_targets"][0]
    return target


def _nsenter(lab: Lab) -> list[str]:
    """Run a command inside lab1 (its mount and PID namespaces: umount needs its /proc)."""
    from harness.lab.db import _ns

    return _ns(lab.host("lab1")["netns"])


def _jvm_pid(lab: Lab) -> int:
    from harness.lab.middleware import jvm_pids

    pids = jvm_pids(lab.dir / "mw" / "tomcat")
    assert pids, "the lab Tomcat is not running"
    return pids[0]


@pytest.fixture(scope="module")
def good(lab: Lab, tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, Any]]:
    checks = _checks(_certify(lab, tmp_path_factory.mktemp("good") / "run", "middleware or server"))
    decided = {cid for cid, c in checks.items() if c["outcome"] != "skipped"}
    assert {cid for cid in checks if cid.startswith(("XC-MW-", "XC-SRV-"))} <= decided  # every one of them ran
    return checks


MW_PASS = [f"XC-MW-{n:03d}" for n in (1, 2, 3, 4, 5, 6, 7, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23)]


@pytest.mark.parametrize("check_id", MW_PASS)
def test_real_tomcat_passes(good: dict[str, dict[str, Any]], check_id: str) -> None:
    assert good[check_id]["outcome"] == "pass", good[check_id]["message"]
    assert good[check_id]["evidence"]


def test_server_checks_are_decided_and_not_applicable_in_a_container(good: dict[str, dict[str, Any]]) -> None:
    server = {k: v for k, v in good.items() if k.startswith("XC-SRV-1")}
    assert len(server) >= 30
    assert good["XC-SRV-100"]["outcome"] == "pass"
    for cid, c in server.items():
        if cid != "XC-SRV-100":
            assert c["outcome"] == "not_applicable", (cid, c["message"])
            assert "no server hardware of its own" in c["message"]


@pytest.fixture(scope="module")
def broken(
    lab: Lab, good: dict[str, dict[str, Any]], tmp_path_factory: pytest.TempPathFactory
) -> dict[str, dict[str, Any]]:
    """All four faults at once, one certification, every fault undone before the tests look at the result."""
    target = _target(lab)
    base = Path(target["base"])
    tmp = tmp_path_factory.mktemp("faults")
    # a JDK whose release file claims another architecture, inside lab1's own mount namespace only
    fake = tmp / "release"
    fake.write_text(JAVA_RELEASE.read_text().replace('OS_ARCH="x86_64"', 'OS_ARCH="aarch64"'))
    fake.chmod(0o644)
    ns = _nsenter(lab)
    subprocess.run([*ns, "mount", "--bind", str(fake), str(JAVA_RELEASE)], check=True, timeout=30)
    # a missing JDBC driver
    jar = next((base / "lib").glob("postgresql*.jar"))
    link = os.readlink(jar)
    jar.unlink()
    # a datasource pointing at a closed port
    context = base / "conf" / "context.xml"
    original = context.read_text(encoding="utf-8")
    context.write_text(original.replace(":5432/", ":1/"), encoding="utf-8")
    # a stopped listener: the JVM frozen, its ports still bound, nothing answers
    pid = _jvm_pid(lab)
    os.kill(pid, signal.SIGSTOP)
    try:
        return _checks(_certify(lab, tmp / "run", "middleware"))
    finally:
        os.kill(pid, signal.SIGCONT)
        context.write_text(original, encoding="utf-8")
        jar.symlink_to(link)
        subprocess.run([*ns, "umount", str(JAVA_RELEASE)], check=True, timeout=30)


def test_wrong_jvm_architecture_identity_fails(broken: dict[str, dict[str, Any]]) -> None:
    c = broken["XC-MW-013"]
    assert c["outcome"] == "fail" and "release OS_ARCH says aarch64" in c["message"], c["message"]
    assert c["evidence"]
    assert broken["XC-MW-012"]["outcome"] == "pass"  # the binary itself is still the CPU's


def test_missing_jdbc_driver_fails(broken: dict[str, dict[str, Any]]) -> None:
    c = broken["XC-MW-022"]
    assert c["outcome"] == "fail" and "no postgresql JDBC driver" in c["message"], c["message"]
    assert c["evidence"]


def test_datasource_to_a_closed_port_fails(broken: dict[str, dict[str, Any]]) -> None:
    c = broken["XC-MW-023"]
    assert c["outcome"] == "fail" and ":1/postgres (closed)" in c["message"], c["message"]
    assert c["evidence"]


def test_stopped_listener_fails(broken: dict[str, dict[str, Any]]) -> None:
    for cid in ("XC-MW-015", "XC-MW-016"):
        assert broken[cid]["outcome"] == "fail", (cid, broken[cid]["message"])
        assert "does not answer" in broken[cid]["message"], broken[cid]["message"]
        assert broken[cid]["evidence"]


def test_the_lab_is_whole_again_after_the_faults(
    lab: Lab, broken: dict[str, dict[str, Any]], tmp_path_factory: pytest.TempPathFactory
) -> None:
    from harness.lab.middleware import _answers

    target = _target(lab)
    addr = lab.host("lab1")["address"]
    assert _answers(addr, int(target["http_port"]))
    assert any((Path(target["base"]) / "lib").glob("postgresql*.jar"))
