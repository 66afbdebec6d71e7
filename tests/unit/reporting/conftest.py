"""One real run for the report tests: snapshot hosts built from refdata captures (a Kunpeng 920 +
Kylin V10 host, a UOS host, a Debian host that fails, a bare host, a host whose snapshot is gone),
certified through the real worker, plugin, journal and results (no SSH, no root)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import ROOT, SHARED, xcert

PROBES = {
    "locale-a": "C\nC.utf8\nPOSIX\nen_US.utf8\nzh_CN.utf8\n",
    "iconv-gb18030": "你好",
    "iconv-gb18030-2022": " ee a0 9e\n",
    "openssl-version": "OpenSSL 1.1.1f  31 Mar 2020\n",
    "openssl-sm3": "SM3(stdin)= 66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0\n",
    "openssl-sm4": " 68 1e df 34 d2 06 96 5e 86 b3 e9 4f 53 6e 42 46\n",
    "time-sync": "chronyd\nReference ID    : C0A80001 (ntp1)\nLeap status     : Normal\n",
    "getconf-glibc": "glibc 2.28\n",
    "df": "Filesystem 1024-blocks Used Available Capacity Mounted on\n/dev/sda2 104857600 1048576 103809024 2% /\n",
    "ip-addr": "1: lo    inet 127.0.0.1/8 scope host lo\n2: eth0    inet 10.0.0.5/24 brd 10.0.0.255 scope global eth0\n",
}
BAD = {"locale-a": "C\nC.utf8\nPOSIX\n", "iconv-gb18030": "", "iconv-gb18030-2022": "", "time-sync": ""}
MEMINFO = "MemTotal:       263824444 kB\nMemFree:        1000 kB\n"
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


def samples() -> Path:
    refdata = SHARED / "refdata" / "samples"
    return refdata if refdata.is_dir() else ROOT / "harness" / "lab" / "captures"


def capture(name: str) -> str:
    text = (samples() / name).read_text(encoding="utf-8")
    return text.split("\n", 1)[1] if text.startswith("#") else text  # first line names the source


def snapshot(root: Path, files: dict[str, str], commands: dict[str, str]) -> Path:
    for path, text in files.items():
        target = root / "files" / path.lstrip("/")
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    (root / "commands").mkdir(parents=True, exist_ok=True)
    for name, text in commands.items():
        (root / "commands" / f"{name}.txt").write_text(text, encoding="utf-8")
    return root


@pytest.fixture(scope="session")
def snapshot_run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp = tmp_path_factory.mktemp("report-run")
    cpu = capture("cpuinfo-kunpeng920-hwloc-128arm.txt")
    arm = {"uname-m": "aarch64\n", "getconf-pagesize": "65536\n", "uname-r": "4.19.90-24.4.v2101.ky10.aarch64\n"}
    snapshot(
        tmp / "kylin",
        {
            "/etc/os-release": capture("os-release-kylin-server-v10-sword.txt"),
            "/proc/cpuinfo": cpu,
            "/proc/meminfo": MEMINFO,
        },
        {**arm, **PROBES},
    )
    snapshot(
        tmp / "uos",
        {
            "/etc/os-release": capture("os-release-uos-server-20-fou.txt"),
            "/etc/lsb-release": capture("lsb-release-uos-server-20-fou.txt"),
            "/proc/cpuinfo": cpu,
            "/proc/meminfo": MEMINFO,
        },
        {**arm, **PROBES, "uname-r": "4.19.90-2201.4.0.0135.up1.uel20.aarch64\n"},
    )
    snapshot(
        tmp / "debian",
        {
            "/etc/os-release": 'PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nNAME="Debian GNU/Linux"\nVERSION_ID="12"\nID=debian\n',
            "/proc/cpuinfo": "processor\t: 0\nvendor_id\t: GenuineIntel\nmodel name\t: Intel(R) Xeon(R)\n\n",
            "/proc/meminfo": MEMINFO,
        },
        {"uname-m": "x86_64\n", "getconf-pagesize": "4096\n", "uname-r": "6.1.0-18-amd64\n", **PROBES, **BAD},
    )
    snapshot(tmp / "bare", {"/etc/hostname": "bare\n"}, {})
    inventory = tmp / "inventory.yml"
    inventory.write_text(
        "all:\n  hosts:\n"
        f"    kylin1:\n      xc_snapshot: {tmp / 'kylin'}\n      xc_cpu: kunpeng-920\n      xc_os: kylin-server-v10\n"
        f"    uos1:\n      xc_snapshot: {tmp / 'uos'}\n"
        f"    debian1:\n      xc_snapshot: {tmp / 'debian'}\n      xc_cpu: kunpeng-920\n"
        f"    bare1:\n      xc_snapshot: {tmp / 'bare'}\n"
        f"    gone1:\n      xc_snapshot: {tmp / 'no-such-snapshot'}\n",
        encoding="utf-8",
    )
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
