"""Every check's pass and fail path, through the real pipeline (worker, plugin, journal, results).

Hosts are snapshots (captured host answers, answered by the snapshot transport): one built from
refdata captures of a Kunpeng 920 + Kylin V10 host that meets every requirement, one Debian host
that fails them, and one whose facts are missing.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import xcert

GOOD_PROBES = {
    "locale-a": "C\nC.utf8\nPOSIX\nen_US.utf8\nzh_CN.utf8\n",
    "iconv-gb18030": "你好",
    "iconv-gb18030-2022": " ee a0 9e\n",
    "openssl-version": "OpenSSL 1.1.1f  31 Mar 2020\n",
    "openssl-sm3": "SM3(stdin)= 66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0\n",
    "openssl-sm4": " 68 1e df 34 d2 06 96 5e 86 b3 e9 4f 53 6e 42 46\n",
    "time-sync": "chronyd\nReference ID    : C0A80001 (ntp1)\nLeap status     : Normal\n",
    # a virtual machine without Java servers: the server hardware and middleware checks do not apply
    "srv-platform": "vm=kvm\ncontainer=none\nhypervisor=yes\n",
    "mw-jvms": "",
    "mw-install": "",
}
BAD_PROBES = {
    "locale-a": "C\nC.utf8\nPOSIX\n",
    "iconv-gb18030": "",
    "iconv-gb18030-2022": "",
    "openssl-version": "OpenSSL 1.0.2k-fips  26 Jan 2017\n",
    "openssl-sm3": "dgst: Unknown digest sm3\n",
    "openssl-sm4": "",
    "time-sync": "",
}
COMMON = {
    "getconf-glibc": "glibc 2.28\n",
    "uname-r": "4.19.90-24.4.v2101.ky10.aarch64\n",
    "df": "Filesystem 1024-blocks Used Available Capacity Mounted on\n/dev/sda2 104857600 1048576 103809024 2% /\n",
    "ip-addr": "1: lo    inet 127.0.0.1/8 scope host lo\n2: eth0    inet 10.0.0.5/24 brd 10.0.0.255 scope global eth0\n",
}


def _capture(samples: Path, name: str) -> str:
    text = (samples / name).read_text(encoding="utf-8")
    return text.split("\n", 1)[1] if text.startswith("#") else text  # first line names the source


def _snapshot(root: Path, files: dict[str, str], commands: dict[str, str]) -> Path:
    for path, text in files.items():
        target = root / "files" / path.lstrip("/")
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    (root / "commands").mkdir(parents=True, exist_ok=True)
    for name, text in commands.items():
        (root / "commands" / f"{name}.txt").write_text(text, encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def results(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    from tests.conftest import ROOT, SHARED

    # the refdata captures, or the copies of them the lab ships (same files, same source lines)
    refdata = SHARED / "refdata" / "samples"
    if not refdata.is_dir():
        refdata = ROOT / "harness" / "lab" / "captures"
    tmp = tmp_path_factory.mktemp("snapshots")
    meminfo = "MemTotal:       263824444 kB\nMemFree:        1000 kB\n"
    _snapshot(
        tmp / "good",
        {
            "/etc/os-release": _capture(refdata, "os-release-kylin-server-v10-sword.txt"),
            "/proc/cpuinfo": _capture(refdata, "cpuinfo-kunpeng920-hwloc-128arm.txt"),
            "/proc/meminfo": meminfo,
        },
        {"uname-m": "aarch64\n", "getconf-pagesize": "65536\n", **COMMON, **GOOD_PROBES},
    )
    _snapshot(
        tmp / "bad",
        {
            "/etc/os-release": 'PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nNAME="Debian GNU/Linux"\nVERSION_ID="12"\nID=debian\n',
            "/proc/cpuinfo": "processor\t: 0\nvendor_id\t: GenuineIntel\nmodel name\t: Intel(R) Xeon(R)\n\n",
            "/proc/meminfo": meminfo,
        },
        {"uname-m": "x86_64\n", "getconf-pagesize": "4096\n", **COMMON, **BAD_PROBES},
    )
    _snapshot(tmp / "bare", {"/etc/hostname": "bare\n"}, {})
    inventory = tmp / "inventory.yml"
    inventory.write_text(
        "all:\n  hosts:\n"
        f"    good:\n      xc_snapshot: {tmp / 'good'}\n      xc_cpu: kunpeng-920\n"
        f"    bad:\n      xc_snapshot: {tmp / 'bad'}\n      xc_cpu: kunpeng-920\n"
        f"    bare:\n      xc_snapshot: {tmp / 'bare'}\n",
        encoding="utf-8",
    )
    out = tmp / "run"
    proc = xcert("certify", "-i", str(inventory), "--out", str(out), "--forks", "3")
    assert proc.returncode == 1, proc.stderr
    data: dict[str, Any] = json.loads((out / "results.json").read_text(encoding="utf-8"))
    return data


def _outcomes(results: dict[str, Any], host: str) -> dict[str, str]:
    h = next(h for h in results["hosts"] if h["name"] == host)
    return {c["id"]: c["outcome"] for c in h["checks"]}


CHECKS = [
    "XC-CPU-001",
    "XC-CPU-002",
    "XC-CPU-003",
    "XC-OS-001",
    "XC-OS-002",
    "XC-OS-003",
    "XC-OS-004",
    "XC-OS-005",
    "XC-OS-006",
    "XC-OS-007",
    "XC-OS-008",
    "XC-SRV-001",
    "XC-SRV-002",
    "XC-SRV-003",
]


@pytest.mark.parametrize("check_id", CHECKS)
def test_pass_path(results: dict[str, Any], check_id: str) -> None:
    assert _outcomes(results, "good")[check_id] == "pass"


@pytest.mark.parametrize(
    "check_id",
    ["XC-CPU-002", "XC-OS-002", "XC-OS-005", "XC-OS-006", "XC-OS-007", "XC-OS-008"],
)
def test_fail_path_on_a_debian_host(results: dict[str, Any], check_id: str) -> None:
    assert _outcomes(results, "bad")[check_id] == "fail"


@pytest.mark.parametrize(
    "check_id",
    ["XC-CPU-001", "XC-CPU-003", "XC-OS-001", "XC-OS-003", "XC-OS-004", "XC-SRV-001", "XC-SRV-002", "XC-SRV-003"],
)
def test_fail_path_when_the_facts_are_missing(results: dict[str, Any], check_id: str) -> None:
    assert _outcomes(results, "bare")[check_id] == "fail"


def test_a_probe_the_host_cannot_answer_is_error_not_fail(results: dict[str, Any]) -> None:
    bare = _outcomes(results, "bare")
    assert bare["XC-OS-005"] == "error"
    assert bare["XC-OS-006"] == "error"


def test_not_declared_is_not_applicable(results: dict[str, Any]) -> None:
    assert _outcomes(results, "bare")["XC-CPU-002"] == "not_applicable"


def test_verdicts(results: dict[str, Any]) -> None:
    verdicts = {h["name"]: h["verdict"] for h in results["hosts"]}
    assert verdicts == {"good": "CERTIFIED", "bad": "NOT_CERTIFIED", "bare": "NOT_CERTIFIED"}
    assert results["verdict"] == "NOT_CERTIFIED"


def test_every_pass_and_fail_has_evidence(results: dict[str, Any]) -> None:
    for host in results["hosts"]:
        for c in host["checks"]:
            if c["outcome"] in ("pass", "fail"):
                assert c["evidence"], (host["name"], c["id"])


def test_page_size_is_a_measurement_with_unit(results: dict[str, Any]) -> None:
    good = next(h for h in results["hosts"] if h["name"] == "good")
    page = next(c for c in good["checks"] if c["id"] == "XC-CPU-003")
    assert page["measurements"]["page_size"] == {"value": 65536, "unit": "bytes"}
