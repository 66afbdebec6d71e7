"""Pass and fail paths of the server (XC-SRV-1xx) and middleware (XC-MW-002..023) checks, through the real
worker: snapshot hosts whose probe answers come from captures (servermw_hosts.py)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.conftest import xcert
from tests.snapshot_hosts import KYLIN_ARM, MEMINFO, capture, samples, snapshot
from tests.unit.suites import servermw_hosts as H


@pytest.fixture(scope="module")
def results(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    refdata = samples()
    cpuinfo = capture("cpuinfo-kunpeng920-hwloc-128arm.txt")
    tmp = tmp_path_factory.mktemp("servermw")
    arm_files = {"/proc/cpuinfo": cpuinfo, "/proc/meminfo": MEMINFO}
    good = {**KYLIN_ARM, **H.SERVER_GOOD, "srv-dmi-sysfs": H.hwloc_sysfs(refdata), **H.MW_GOOD}
    snapshot(tmp / "good", arm_files, good)
    snapshot(tmp / "bad", arm_files, {**KYLIN_ARM, **H.SERVER_BAD, **H.MW_BAD})
    snapshot(tmp / "other", arm_files, {**KYLIN_ARM, **H.SERVER_NO_DMI, **H.MW_OTHER})
    snapshot(tmp / "container", arm_files, {**KYLIN_ARM, **H.CONTAINER})
    snapshot(tmp / "tomcat8", arm_files, {**KYLIN_ARM, **H.CONTAINER, **H.TOMCAT_ON_JAVA8})
    inventory = tmp / "inventory.yml"
    inventory.write_text(
        "all:\n  hosts:\n"
        f"    good:\n      xc_snapshot: {tmp / 'good'}\n{H.BES_TARGET}"
        f"    bad:\n      xc_snapshot: {tmp / 'bad'}\n{H.BES_TARGET}"
        f"    other:\n      xc_snapshot: {tmp / 'other'}\n{H.BES_TARGET}"
        f"    container:\n      xc_snapshot: {tmp / 'container'}\n"
        f"    tomcat8:\n      xc_snapshot: {tmp / 'tomcat8'}\n{H.TOMCAT_TARGET}",
        encoding="utf-8",
    )
    out = tmp / "run"
    # only the two layers this module reads (the other layers' checks are decided in their own modules)
    proc = xcert(
        "certify", "-i", str(inventory), "--out", str(out), "--forks", "5", "--profile", "full", "--format", "json",
        "-m", "server or middleware",
    )  # fmt: skip
    assert proc.returncode in (1, 2), proc.stderr
    data: dict[str, Any] = json.loads((out / "results.json").read_text(encoding="utf-8"))
    # the selection ran every check of those layers (a check left out would be 'skipped' and fail its test below)
    ran = {c["id"] for h in data["hosts"] for c in h["checks"] if c["outcome"] != "skipped"}
    assert set(SERVER + MIDDLEWARE) <= ran, sorted(set(SERVER + MIDDLEWARE) - ran)
    return data


def _checks(results: dict[str, Any], host: str) -> dict[str, dict[str, Any]]:
    h = next(h for h in results["hosts"] if h["name"] == host)
    return {c["id"]: c for c in h["checks"]}


SERVER = [f"XC-SRV-{n}" for n in (*range(100, 108), *range(110, 120), *range(120, 132))]
MIDDLEWARE = [f"XC-MW-{n:03d}" for n in (*range(2, 8), *range(10, 24))]


@pytest.mark.parametrize("check_id", SERVER + MIDDLEWARE)
def test_pass_path(results: dict[str, Any], check_id: str) -> None:
    c = _checks(results, "good")[check_id]
    assert c["outcome"] == "pass", c["message"]
    assert c["evidence"]


SERVER_FAILS_ON_BAD = [
    f"XC-SRV-{n}"
    for n in (
        102,
        103,
        104,
        105,
        107,
        110,
        111,
        112,
        113,
        115,
        116,
        117,
        119,
        120,
        121,
        122,
        123,
        124,
        125,
        126,
        128,
        129,
        130,
        131,
    )
]
MW_FAILS_ON_BAD = [f"XC-MW-{n:03d}" for n in (4, 5, 7, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23)]


@pytest.mark.parametrize("check_id", SERVER_FAILS_ON_BAD + MW_FAILS_ON_BAD)
def test_fail_path(results: dict[str, Any], check_id: str) -> None:
    c = _checks(results, "bad")[check_id]
    assert c["outcome"] == "fail", (c["outcome"], c["message"])
    assert c["evidence"]


@pytest.mark.parametrize("check_id", ["XC-SRV-101", "XC-SRV-114", "XC-MW-002", "XC-MW-003", "XC-MW-006"])
def test_fail_path_on_a_host_without_dmi_or_a_declared_server(results: dict[str, Any], check_id: str) -> None:
    c = _checks(results, "other")[check_id]
    assert c["outcome"] == "fail", (c["outcome"], c["message"])


@pytest.mark.parametrize("check_id", [s for s in SERVER if s != "XC-SRV-100"])
def test_a_container_has_no_server_hardware(results: dict[str, Any], check_id: str) -> None:
    c = _checks(results, "container")[check_id]
    assert c["outcome"] == "not_applicable", (c["outcome"], c["message"])
    assert "container (docker)" in c["message"]


def test_undeclared_middleware_is_not_applicable(results: dict[str, Any]) -> None:
    checks = _checks(results, "container")
    for cid in [m for m in MIDDLEWARE if m not in ("XC-MW-002", "XC-MW-003", "XC-MW-004", "XC-MW-005", "XC-MW-007")]:
        assert checks[cid]["outcome"] == "not_applicable", cid


def test_what_the_checks_report(results: dict[str, Any]) -> None:
    good = _checks(results, "good")
    assert "BES Application Server 9.5.2" in good["XC-MW-002"]["message"]
    assert "DmJdbcDriver18.jar (version 18)" in good["XC-MW-022"]["message"]
    assert "SM2=yes" in good["XC-MW-017"]["message"]
    assert good["XC-SRV-115"]["measurements"]["ecc"]["value"] is True
    assert "Huawei/HiSilicon" not in good["XC-SRV-127"]["message"]  # the English name, from pci.yml
    assert "Huawei Technologies (HiSilicon)" in good["XC-SRV-127"]["message"]
    bad = _checks(results, "bad")
    assert "x86_64 JVM" in bad["XC-MW-012"]["message"] and "aarch64 CPU" in bad["XC-MW-012"]["message"]
    assert "Jingjia Micro" in bad["XC-SRV-128"]["message"]
    assert "Power Supply 1" in bad["XC-SRV-112"]["message"]
    assert bad["XC-SRV-107"]["message"] == "Product Name: dmidecode says 'A800I A2', sysfs 'XA320 V2'"
    assert "running 9.5.2" in bad["XC-MW-005"]["message"] and "9.5.5" in bad["XC-MW-005"]["message"]


def test_a_probe_the_snapshot_does_not_hold_is_error_not_fail(results: dict[str, Any]) -> None:
    container = _checks(results, "container")
    assert container["XC-MW-002"]["outcome"] == "error"
    assert "not captured: probe 'mw-jvms' is not in the snapshot" in container["XC-MW-002"]["message"]
    other = _checks(results, "other")
    assert other["XC-SRV-110"]["outcome"] == "error"  # srv-ipmi-mc is not in that snapshot


def test_a_server_on_a_java_older_than_its_documented_minimum_fails(results: dict[str, Any]) -> None:
    c = _checks(results, "tomcat8")["XC-MW-011"]
    assert c["outcome"] == "fail", c["message"]
    assert c["message"] == "tomcat 10.1.60 needs Java 11 or later, runs on Java 8"
