"""Every check's pass and fail path, through the real pipeline (worker, plugin, journal, results).

Hosts are snapshots (captured host answers, answered by the snapshot transport): one built from
refdata captures of a Kunpeng 920 + Kylin V10 host that meets every requirement, one Debian host
that fails them, and one whose facts are missing.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.conftest import xcert
from tests.snapshot_hosts import (
    DEBIAN_FILES,
    DEBIAN_X86,
    HOST_COMMON,
    KYLIN_ARM,
    OS_GOOD,
    kylin_files,
    snapshot,
    write_inventory,
)

GOOD_PROBES = {
    **OS_GOOD,
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
COMMON = {**HOST_COMMON, "uname-r": KYLIN_ARM["uname-r"]}


@pytest.fixture(scope="module")
def results(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    tmp = tmp_path_factory.mktemp("snapshots")
    snapshot(tmp / "good", kylin_files(), {**KYLIN_ARM, **COMMON, **GOOD_PROBES})
    snapshot(tmp / "bad", DEBIAN_FILES, {**DEBIAN_X86, **COMMON, **BAD_PROBES})
    snapshot(tmp / "bare", {"/etc/hostname": "bare\n"}, {})
    hosts: dict[str, dict[str, object]] = {
        "good": {"xc_snapshot": tmp / "good", "xc_cpu": "kunpeng-920"},
        "bad": {"xc_snapshot": tmp / "bad", "xc_cpu": "kunpeng-920"},
        "bare": {"xc_snapshot": tmp / "bare"},
    }
    inventory = write_inventory(tmp / "inventory.yml", hosts)
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
