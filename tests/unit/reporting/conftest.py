"""One real run for the report tests: snapshot hosts built from refdata captures (a Kunpeng 920 +
Kylin V10 host, a UOS host, a Debian host that fails, a bare host, a host whose snapshot is gone),
certified through the real worker, plugin, journal and results (no SSH, no root)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import xcert
from tests.snapshot_hosts import (
    DEBIAN_FILES,
    DEBIAN_X86,
    HOST_COMMON,
    KYLIN_ARM,
    MEMINFO,
    OS_GOOD,
    capture,
    kylin_files,
    snapshot,
    write_inventory,
)

PROBES = {**OS_GOOD, **HOST_COMMON}
BAD = {"locale-a": "C\nC.utf8\nPOSIX\n", "iconv-gb18030": "", "iconv-gb18030-2022": "", "time-sync": ""}
LAB = """\
[lab]
name = "Xinchuang Compatibility Lab"
address = "1 Example Road, Haidian, Beijing"
location = "xcert lab, rack B2"

[report]
applicant = "Example Systems Ltd."
authorised_by = "Wang Fang, Technical Manager"
validity_months = 12
"""
WAIVERS = """\
waivers:
  - check: XC-OS-007
    hosts: "debian*"
    justification: "The time service is provided by the hypervisor"
    expiry: 2099-12-31
    approver: "Li Wei, QA lead"
"""


@pytest.fixture(scope="session")
def snapshot_run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp = tmp_path_factory.mktemp("report-run")
    snapshot(tmp / "kylin", kylin_files(), {**KYLIN_ARM, **PROBES})
    snapshot(
        tmp / "uos",
        {
            "/etc/os-release": capture("os-release-uos-server-20-fou.txt"),
            "/etc/lsb-release": capture("lsb-release-uos-server-20-fou.txt"),
            "/proc/cpuinfo": capture("cpuinfo-kunpeng920-hwloc-128arm.txt"),
            "/proc/meminfo": MEMINFO,
        },
        {**KYLIN_ARM, **PROBES, "uname-r": "4.19.90-2201.4.0.0135.up1.uel20.aarch64\n"},
    )
    debian = {**DEBIAN_X86, "uname-r": "6.1.0-18-amd64\n"}
    snapshot(tmp / "debian", DEBIAN_FILES, {**debian, **PROBES, **BAD})
    snapshot(tmp / "bare", {"/etc/hostname": "bare\n"}, {})
    hosts: dict[str, dict[str, object]] = {
        "kylin1": {"xc_snapshot": tmp / "kylin", "xc_cpu": "kunpeng-920", "xc_os": "kylin-server-v10"},
        "uos1": {"xc_snapshot": tmp / "uos"},
        "debian1": {"xc_snapshot": tmp / "debian", "xc_cpu": "kunpeng-920"},
        "bare1": {"xc_snapshot": tmp / "bare"},
        "gone1": {"xc_snapshot": tmp / "no-such-snapshot"},
    }
    inventory = write_inventory(tmp / "inventory.yml", hosts)
    (tmp / "lab.toml").write_text(LAB, encoding="utf-8")
    (tmp / "waivers.yml").write_text(WAIVERS, encoding="utf-8")
    out = tmp / "run"
    proc = xcert(
        "certify", "-i", str(inventory), "--out", str(out), "--forks", "3", "--format", "json,junit",
        "--lab-config", str(tmp / "lab.toml"), "--waivers", str(tmp / "waivers.yml"),
    )  # fmt: skip
    assert (out / "results.json").is_file(), proc.stderr
    return out


@pytest.fixture(scope="session")
def run_results(snapshot_run: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((snapshot_run / "results.json").read_text(encoding="utf-8"))
    return data
