"""The host checks of issue 15, each on a host where it passes and one where it does not, through
the real pipeline: one `xcert certify --profile full` over snapshot hosts (hostcheck_hosts.py), one
worker per host, every outcome read back from results.json.

A check that only records a fact has no "fail" by design: its other path is `error` (the fact could
not be had, and the message says which) or `not_applicable` (with the reason).
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.conftest import xcert
from tests.snapshot_hosts import samples, snapshot, write_inventory
from tests.unit.suites.hostcheck_hosts import hosts

#: check -> (host where it passes, host where it does not, that outcome)
PATHS: dict[str, tuple[str, str, str]] = {
    "XC-CPU-100": ("eul-good", "kylin-bad", "fail"),
    "XC-CPU-101": ("eul-good", "eul-4k", "error"),
    "XC-CPU-102": ("eul-good", "eul-4k", "error"),
    "XC-CPU-103": ("eul-good", "eul-4k", "error"),
    "XC-CPU-104": ("eul-good", "eul-4k", "error"),
    "XC-CPU-105": ("anolis-og-bad", "uos-dev", "error"),
    "XC-CPU-106": ("anolis-og-bad", "uos-bad", "fail"),
    "XC-CPU-107": ("loong-old", "eul-good", "not_applicable"),
    "XC-CPU-108": ("halberd-mips", "eul-good", "not_applicable"),
    "XC-CPU-109": ("loong-old", "loong-new", "fail"),
    "XC-CPU-110": ("eul-good", "halberd-mips", "fail"),
    "XC-CPU-111": ("eul-good", "loong-new", "error"),
    "XC-CPU-112": ("eul-good", "kylin-bad", "not_applicable"),
    "XC-CPU-113": ("eul-good", "loong-new", "error"),
    "XC-CPU-114": ("eul-good", "kylin-bad", "not_applicable"),
    "XC-CPU-115": ("kylin-bad", "halberd-mips", "fail"),
    "XC-OS-100": ("eul-good", "eul-4k", "fail"),
    "XC-OS-101": ("eul-good", "kylin-bad", "fail"),
    "XC-OS-102": ("eul-good", "kylin-bad", "fail"),
    "XC-OS-103": ("eul-good", "kylin-bad", "fail"),
    "XC-OS-104": ("eul-good", "kylin-bad", "fail"),
    "XC-OS-105": ("eul-good", "kylin-bad", "fail"),
    "XC-OS-110": ("kylin-bad", "loong-new", "error"),
    "XC-OS-111": ("loong-old", "kylin-bad", "fail"),
    "XC-OS-112": ("uos-bad", "eul-good", "not_applicable"),
    "XC-OS-113": ("uos-dev", "uos-bad", "fail"),
    "XC-OS-114": ("eul-good", "loong-new", "error"),
    "XC-OS-115": ("eul-good", "anolis-og-bad", "fail"),
    "XC-OS-116": ("eul-good", "loong-new", "error"),
    "XC-OS-117": ("eul-good", "kylin-bad", "not_applicable"),
    "XC-OS-118": ("eul-good", "loong-new", "error"),
    "XC-OS-130": ("eul-good", "uos-bad", "fail"),
    "XC-OS-131": ("eul-good", "uos-bad", "fail"),
    "XC-OS-132": ("eul-good", "loong-new", "error"),
    "XC-OS-133": ("eul-good", "uos-bad", "fail"),
    "XC-OS-134": ("eul-good", "anolis-og-bad", "fail"),
    "XC-OS-135": ("eul-good", "kylin-bad", "fail"),
    "XC-OS-136": ("eul-good", "loong-new", "error"),
    "XC-OS-137": ("eul-good", "kylin-bad", "not_applicable"),
    "XC-OS-150": ("eul-good", "anolis-og-bad", "fail"),
    "XC-OS-151": ("eul-good", "loong-old", "fail"),
    "XC-OS-152": ("eul-good", "kylin-bad", "fail"),
    "XC-OS-153": ("eul-good", "loong-old", "fail"),
    "XC-OS-154": ("eul-good", "halberd-mips", "error"),
    "XC-OS-155": ("eul-good", "anolis-og-bad", "fail"),
    "XC-OS-156": ("eul-good", "kylin-bad", "fail"),
    "XC-OS-157": ("eul-good", "halberd-mips", "error"),
    "XC-OS-158": ("eul-good", "anolis-og-bad", "fail"),
    "XC-OS-159": ("eul-good", "loong-old", "fail"),
    "XC-OS-160": ("eul-good", "anolis-og-bad", "fail"),
    "XC-OS-161": ("eul-good", "uos-bad", "fail"),
    "XC-OS-162": ("eul-good", "anolis-og-bad", "fail"),
    "XC-OS-163": ("eul-good", "halberd-mips", "error"),
    "XC-OS-164": ("eul-good", "anolis-og-bad", "fail"),
    "XC-OS-165": ("eul-good", "uos-bad", "fail"),
    "XC-OS-166": ("eul-good", "anolis-og-bad", "fail"),
    "XC-OS-167": ("eul-good", "anolis-og-bad", "fail"),
    "XC-OS-168": ("eul-good", "anolis-og-bad", "fail"),
    "XC-OS-169": ("eul-good", "halberd-mips", "error"),
    "XC-OS-170": ("eul-good", "uos-bad", "fail"),
    "XC-OS-171": ("eul-good", "kylin-bad", "fail"),
    "XC-OS-172": ("eul-good", "anolis-og-bad", "fail"),
    "XC-OS-173": ("eul-good", "anolis-og-bad", "fail"),
    "XC-OS-174": ("eul-good", "anolis-og-bad", "fail"),
    "XC-OS-175": ("loong-old", "halberd-mips", "fail"),
    "XC-OS-176": ("eul-good", "anolis-og-bad", "fail"),
    "XC-OS-177": ("eul-good", "anolis-og-bad", "fail"),
    "XC-OS-200": ("eul-good", "uos-bad", "fail"),
    "XC-OS-201": ("eul-good", "uos-bad", "fail"),
    "XC-OS-202": ("eul-good", "uos-bad", "fail"),
    "XC-OS-203": ("eul-good", "uos-bad", "fail"),
    "XC-OS-204": ("eul-good", "uos-bad", "fail"),
    "XC-OS-205": ("eul-good", "loong-new", "error"),
    "XC-OS-206": ("eul-good", "kylin-bad", "not_applicable"),
    "XC-OS-207": ("eul-good", "uos-bad", "fail"),
    "XC-OS-208": ("eul-good", "loong-new", "error"),
    "XC-OS-209": ("eul-good", "kylin-bad", "fail"),
    "XC-OS-210": ("eul-good", "kylin-bad", "fail"),
    "XC-OS-211": ("eul-good", "uos-bad", "fail"),
    "XC-OS-212": ("eul-good", "loong-new", "error"),
    "XC-OS-213": ("eul-good", "uos-bad", "fail"),
    "XC-OS-214": ("eul-good", "bare", "error"),
    **{f"XC-OS-{n}": ("eul-good", "kylin-bad", "fail") for n in range(250, 263)},
}


@pytest.fixture(scope="module")
def results(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, dict[str, Any]]]:
    tmp = tmp_path_factory.mktemp("hostchecks")
    inventory = {
        name: {"xc_snapshot": snapshot(tmp / name, files, commands), **hostvars}
        for name, (files, commands, hostvars) in hosts(samples()).items()
    }
    write_inventory(tmp / "inventory.yml", inventory)
    out = tmp / "run"
    proc = xcert("certify", "-i", str(tmp / "inventory.yml"), "--out", str(out), "--profile", "full", "--forks", "3")
    assert proc.returncode == 1, proc.stderr[-2000:]
    data = json.loads((out / "results.json").read_text(encoding="utf-8"))
    return {h["name"]: {c["id"]: c for c in h["checks"]} for h in data["hosts"]}


def test_every_host_check_has_both_paths() -> None:
    from tests.unit.suites.test_hostcheck_metadata import host_checks

    assert set(PATHS) == {meta.id for meta in host_checks()}


def test_pass_paths(results: dict[str, dict[str, dict[str, Any]]]) -> None:
    wrong = {
        cid: (host, results[host][cid]["outcome"], results[host][cid]["message"])
        for cid, (host, _, _) in PATHS.items()
        if results[host][cid]["outcome"] != "pass"
    }
    assert not wrong


def test_other_paths(results: dict[str, dict[str, dict[str, Any]]]) -> None:
    wrong = {
        cid: (host, results[host][cid]["outcome"], results[host][cid]["message"])
        for cid, (_, host, outcome) in PATHS.items()
        if results[host][cid]["outcome"] != outcome
    }
    assert not wrong


def test_the_good_host_passes_everything_that_applies(results: dict[str, dict[str, dict[str, Any]]]) -> None:
    good = results["eul-good"]
    bad = {
        cid: c["outcome"] for cid, c in good.items() if cid in PATHS and c["outcome"] not in ("pass", "not_applicable")
    }
    assert not bad


def test_an_error_names_what_could_not_be_had(results: dict[str, dict[str, dict[str, Any]]]) -> None:
    for cid, (_, host, outcome) in PATHS.items():
        if outcome == "error":
            message = results[host][cid]["message"]
            if message.startswith("not captured: "):  # a probe the snapshot does not hold (harness.decide)
                assert "is not in the snapshot" in message, (cid, message)
                continue
            assert message.startswith("FactMissing: "), (cid, message)
            assert "could not" in message or "cannot" in message or "not available" in message, (cid, message)


def test_every_pass_and_fail_has_evidence(results: dict[str, dict[str, dict[str, Any]]]) -> None:
    for host, checks in results.items():
        for cid, c in checks.items():
            if cid in PATHS and c["outcome"] in ("pass", "fail"):
                assert c["evidence"], (host, cid)


def test_failures_name_what_fails(results: dict[str, dict[str, dict[str, Any]]]) -> None:
    bad = results["kylin-bad"]
    assert "/opt/dmdbms/bin/libdmcrypt.so (0x1000)" in bad["XC-OS-102"]["message"]
    assert "Unsupported system page size" in bad["XC-OS-104"]["message"]
    assert "libdmdpi.so" in bad["XC-OS-105"]["message"]
    assert "toor" in bad["XC-OS-261"]["message"]
    og = results["anolis-og-bad"]
    assert "requires = 250 6400000 1000 25600" in og["XC-OS-151"]["message"]
    assert "openGauss-OM" in og["XC-OS-151"]["message"]  # the cited source travels with the verdict


def test_a_warning_only_requirement_passes_with_the_warning(results: dict[str, dict[str, dict[str, Any]]]) -> None:
    # openGauss treats vm.min_free_kbytes outside 5 % of RAM as a warning (LocalCheck.py)
    message = results["anolis-og-bad"]["XC-OS-157"]["message"]
    assert results["anolis-og-bad"]["XC-OS-157"]["outcome"] == "pass"
    assert "a warning only" in message


def test_measurements_carry_units(results: dict[str, dict[str, dict[str, Any]]]) -> None:
    good = results["eul-good"]
    assert good["XC-OS-100"]["measurements"]["page_size"] == {"value": 65536, "unit": "bytes"}
    assert good["XC-OS-206"]["measurements"]["clock_offset"] == {"value": 0.012, "unit": "ms"}
    assert results["kylin-bad"]["XC-OS-102"]["measurements"]["misaligned"] == {"value": 1, "unit": "count"}
    assert good["XC-OS-104"]["measurements"]["jemalloc_page_min"] == {"value": 65536, "unit": "bytes"}


def test_a_kernel_config_without_a_page_size_option_is_not_applicable(
    results: dict[str, dict[str, dict[str, Any]]],
) -> None:
    c = results["uos-bad"]["XC-OS-101"]
    assert c["outcome"] == "not_applicable" and "one base page size" in c["message"]


def test_an_emulator_registered_for_the_shells_own_architecture_is_translation(
    results: dict[str, dict[str, dict[str, Any]]],
) -> None:
    c = results["uos-bad"]["XC-CPU-110"]
    assert c["outcome"] == "fail" and "emulated by qemu-x86_64" in c["message"]


def test_openssl_the_host_lacks_fails_the_requirement(results: dict[str, dict[str, dict[str, Any]]]) -> None:
    c = results["uos-dev"]["XC-OS-131"]
    assert c["outcome"] == "fail" and c["message"] == "openssl is not installed"
