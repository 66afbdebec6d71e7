"""The identity checks end to end: ``xcert certify`` on snapshot hosts (inventory ``xc_snapshot``)."""

from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import xcert

KYLIN = 'NAME="Kylin Linux Advanced Server"\nVERSION="V10 (Sword)"\nID="kylin"\nVERSION_ID="V10"\n'
PHYTIUM_8 = "".join(
    f"processor\t: {i}\nCPU implementer\t: 0x70\nCPU architecture: 8\nCPU variant\t: 0x1\nCPU part\t: 0x663\n\n"
    for i in range(8)
)
TONGWEB = "/opt/jdk/bin/java -Dtongweb.home=/opt/tweb7 -cp lib/bootstrap.jar com.tongweb.web.thor.startup.ThorBootstrap start\n"


def snapshot(root: Path, uname: str, processes: str = "") -> Path:
    (root / "files/etc").mkdir(parents=True)
    (root / "files/proc").mkdir(parents=True)
    (root / "commands").mkdir()
    (root / "files/etc/os-release").write_text(KYLIN)
    (root / "files/proc/cpuinfo").write_text(PHYTIUM_8)
    (root / "commands/uname-m.txt").write_text(uname + "\n")
    (root / "commands/processes.txt").write_text(processes)
    return root


def test_consistency_and_declared_checks(tmp_path: Path) -> None:
    snapshot(tmp_path / "s-good", "aarch64", TONGWEB)
    snapshot(tmp_path / "s-bad", "x86_64")
    inventory = tmp_path / "inv.yml"
    inventory.write_text(
        "all:\n  hosts:\n"
        "    good: {xc_snapshot: s-good, xc_cpu: D2000, xc_os: Kylin Server V10 SP2, xc_middleware: TongWeb}\n"
        "    bad: {xc_snapshot: s-bad, xc_cpu: kunpeng-920, xc_os: openeuler-22.03-lts}\n"
    )
    done = xcert("certify", "-i", str(inventory), "--out", str(tmp_path / "run"), "--format", "json")
    assert done.returncode in (1, 2), done.stderr
    results = json.loads((tmp_path / "run" / "results.json").read_text())
    outcome = {(h["name"], c["id"]): (c["outcome"], c["message"]) for h in results["hosts"] for c in h["checks"]}
    assert outcome[("good", "XC-OS-010")][0] == "pass"
    assert outcome[("good", "XC-CPU-002")][0] == "pass"
    assert outcome[("good", "XC-OS-011")][0] == "pass"
    assert outcome[("good", "XC-MW-001")][0] == "pass"
    assert outcome[("good", "XC-SRV-011")][0] == "not_applicable"
    state, message = outcome[("bad", "XC-OS-010")]
    assert state == "fail" and "uname -m says x86_64" in message
    state, message = outcome[("bad", "XC-CPU-002")]
    assert state == "fail" and "kunpeng-920" in message and "phytium-d2000" in message
    state, message = outcome[("bad", "XC-OS-011")]
    assert state == "fail" and "openeuler-22.03-lts" in message and "kylin-server-v10-sp2" in message
    bad = next(h for h in results["hosts"] if h["name"] == "bad")
    assert bad["verdict"] == "NOT_CERTIFIED"
    assert bad["stack"]["detected"]["cpu"]["issues"]
