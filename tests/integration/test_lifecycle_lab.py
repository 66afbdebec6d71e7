"""Lifecycle checks on real lab hosts over SSH: a supervised service survives ten kill -9s, a bare one does
not; stop/start/restart; binaries run and link; an undeclared listener fails the port matrix by name; a real
.deb installs and uninstalls (into a package root of its own), one with a missing dependency fails."""

from __future__ import annotations

import json
import shlex
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.conftest import xcert
from tests.integration.debs import build_deb, package_root
from tests.integration.lab_fixture import Lab, host_of, lab_session, results

# kills, recoveries and soaks: mostly waiting (scheduled beside busy test files: tests/conftest.py)
pytestmark = [pytest.mark.integration, pytest.mark.waiting]

# a service as an operator declares one: its own control commands, supervised by a shell loop
SUPERVISED = {
    "name": "web",
    "start": "setsid sh -c 'while :; do python3 -m http.server 8098 >/dev/null 2>&1; sleep 0.2; done' "
    "</dev/null >/dev/null 2>&1 &",
    "stop": "pkill -f 'http[.]server 8098'; sleep 0.3; ! pgrep -f 'http[.]server 8098' >/dev/null",
    "status": "pgrep -f 'http[.]server 8098' >/dev/null",
    "ports": [8098],
    "binaries": ["/usr/bin/python3"],
    "recover_s": 20,
    # both cores busy in every run, at the lowest priority: the machine's CPU stays full (nice time is busy
    # time in /proc/stat, which XC-LC-006 samples), so every run is steady whatever else the machine does,
    # while every other process (the service's recoveries, the rest of the suite) still wins the CPU
    "workload": "nice -n 19 yes >/dev/null & nice -n 19 yes >/dev/null & wait",
    "soak_s": 3,
}
# the same server with nothing to bring it back
BARE = {
    **SUPERVISED,
    "start": "setsid python3 -m http.server 8098 </dev/null >/dev/null 2>&1 &",
    "recover_s": 5,
    "kills": 2,
}


@pytest.fixture(scope="module")
def lab(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Lab]:
    yield from lab_session(tmp_path_factory, "--hosts", "2")


def _ssh(lab: Lab, host: str, command: str) -> subprocess.CompletedProcess[str]:
    inv = yaml.safe_load(Path(str(lab.inventory)).read_text(encoding="utf-8"))
    hv: dict[str, Any] = inv["all"]["children"]["xcert_lab"]["hosts"][host]
    args = ["ssh", "-i", hv["ansible_ssh_private_key_file"], *shlex.split(hv["ansible_ssh_common_args"])]
    args += [
        "-o",
        "BatchMode=yes",
        f"{hv['ansible_user']}@{hv['ansible_host']}",
        f"sudo -n sh -c {shlex.quote(command)}",
    ]
    return subprocess.run(args, capture_output=True, text=True, timeout=60, check=False)


def _inventory(lab: Lab, tmp_path: Path, services: dict[str, dict[str, Any]]) -> Path:
    inv = yaml.safe_load(Path(str(lab.inventory)).read_text(encoding="utf-8"))
    hosts = inv["all"]["children"]["xcert_lab"]["hosts"]
    for name, service in services.items():
        hosts[name]["xc_services"] = [service]
        hosts[name]["xc_ports"] = [22]
    path = tmp_path / "inventory.yml"
    path.write_text(yaml.safe_dump(inv), encoding="utf-8")
    path.chmod(0o600)
    return path


def _outcomes(host: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {c["id"]: c for c in host["checks"] if c["id"].startswith("XC-LC-")}


def _with_packages(tmp_path: Path) -> tuple[dict[str, Any], dict[str, Any]]:
    """lab1's service ships a package that installs; lab2's one whose dependency is nowhere (its install fails).
    Each installs into a package root of its own (tests/integration/debs.py), never into the machine's."""
    good = build_deb(tmp_path, "xcert-probe")
    broken = build_deb(tmp_path, "xcert-broken", depends="xcert-nowhere-to-be-found")
    roots = [package_root(tmp_path / f"root{n}") for n in (1, 2)]
    return (
        {**SUPERVISED, "packages": [str(good)], "package_root": str(roots[0])},
        {**BARE, "packages": [str(broken)], "package_root": str(roots[1])},
    )


def test_lifecycle_checks_on_lab_hosts(lab: Lab, tmp_path: Path) -> None:
    supervised, bare = _with_packages(tmp_path)
    inventory = _inventory(lab, tmp_path, {"lab1": supervised, "lab2": bare})
    for host, service in (("lab1", SUPERVISED), ("lab2", BARE)):
        started = _ssh(lab, host, str(service["start"]))
        assert started.returncode == 0, started.stderr
    planted = _ssh(lab, "lab1", "setsid python3 -m http.server 8097 </dev/null >/dev/null 2>&1 &")
    assert planted.returncode == 0, planted.stderr
    try:
        out = tmp_path / "full"
        proc = xcert(
            "certify", "-i", str(inventory), "--profile", "full", "--no-provision", "--format", "json", "-m", "lifecycle",
            "--out", str(out), env=lab.env, timeout=600,
        )  # fmt: skip
        assert proc.returncode in (0, 1, 2), proc.stderr
        full = _outcomes(host_of(results(out), "lab1"))
        assert full["XC-LC-005"]["outcome"] == "fail", full["XC-LC-005"]
        assert "8097/tcp by python3" in full["XC-LC-005"]["message"]
        assert "8098" not in full["XC-LC-005"]["message"]  # declared by the service
        assert full["XC-LC-003"]["outcome"] == "pass" and full["XC-LC-004"]["outcome"] == "pass"
        assert full["XC-LC-001"]["outcome"] == "skipped"  # disruptive only
        packages = full["XC-LC-009"]
        assert packages["outcome"] == "pass", packages
        assert packages["measurements"]["packages_installed_and_removed"]["value"] == 1
        record = next(ref for ref in packages["evidence"] if "packages-" in ref)
        steps = json.loads((out / record).read_text(encoding="utf-8"))["steps"]
        assert [s["rc"] for s in steps if " -i " in s["command"] or "--purge" in s["command"]] == [0, 0]
        broken = _outcomes(host_of(results(out), "lab2"))["XC-LC-009"]
        assert broken["outcome"] == "fail", broken
        assert "installing" in broken["message"] and "xcert-broken" in broken["message"]
        # installed into the package roots only: the machine the lab shares has neither package
        mine = subprocess.run(["dpkg-query", "-W", "xcert-probe", "xcert-broken"], capture_output=True, timeout=30)
        assert mine.returncode != 0 and not mine.stdout.strip()
    finally:
        _ssh(lab, "lab1", "pkill -f 'http[.]server 8097'")

    out = tmp_path / "disruptive"
    # one host at a time: the lab's hosts share this machine's CPU and memory, which the soak samples
    proc = xcert(
        "certify", "-i", str(inventory), "--profile", "disruptive", "--no-provision", "--format", "json,html", "-m", "lifecycle",
        "--forks", "1", "--out", str(out), env=lab.env, timeout=900,
    )  # fmt: skip
    assert proc.returncode in (0, 1, 2), proc.stderr
    res = results(out)
    web, bare = _outcomes(host_of(res, "lab1")), _outcomes(host_of(res, "lab2"))
    assert web["XC-LC-001"]["outcome"] == "pass", web["XC-LC-001"]
    assert web["XC-LC-002"]["outcome"] == "pass", web["XC-LC-002"]
    assert web["XC-LC-002"]["measurements"]["web.recoveries"]["value"] == 10
    assert web["XC-LC-002"]["measurements"]["web.recovery_max_s"]["value"] <= 20
    assert web["XC-LC-002"]["measurements"]["web.under_load"]["value"] is True  # its workload ran meanwhile
    assert web["XC-LC-005"]["outcome"] == "pass", web["XC-LC-005"]
    assert bare["XC-LC-002"]["outcome"] == "fail", bare["XC-LC-002"]
    assert "not back 5 s after kill -9 number 1" in bare["XC-LC-002"]["message"]
    assert web["XC-LC-002"]["evidence"] and bare["XC-LC-002"]["evidence"]
    # the fail path of XC-LC-006 is tested from constructed /proc samples (tests/unit/lifecycle): the lab's
    # hosts share this machine, whose other load a real workload cannot be kept apart from
    for check in (web["XC-LC-006"], bare["XC-LC-006"]):
        assert check["outcome"] == "pass", check
        assert check["measurements"]["web.cpu_deviation_pp"]["value"] <= 5
        # the samples and their plot are evidence
        kinds = {Path(ref).suffix for ref in check["evidence"]}
        assert {".csv", ".png"} <= kinds, check["evidence"]
        png = next(ref for ref in check["evidence"] if ref.endswith(".png"))
        assert (out / png).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    # the plots are drawn in the report itself (inlined: the report fetches nothing; in the PDF too:
    # tests/integration/test_lifecycle_services_lab.py)
    html = (out / "report.html").read_text(encoding="utf-8")
    assert html.count('<img src="data:image/png;base64,') >= 2 and "Measured runs" in html
    for name in ("lab1", "lab2"):
        health = _outcomes(host_of(res, name))["XC-LC-007"]
        assert health["outcome"] in ("pass", "fail") and health["evidence"], health
    for host in ("lab1", "lab2"):
        _ssh(lab, host, "pkill -f 'http[.]server 8098'")


def test_a_service_declaration_with_a_typo_is_bad_input(lab: Lab, tmp_path: Path) -> None:
    inventory = _inventory(lab, tmp_path, {"lab1": {**SUPERVISED, "recover": 5}})
    proc = xcert("certify", "-i", str(inventory), "--out", str(tmp_path / "run"), env=lab.env)
    assert proc.returncode == 3
    assert "lab1.xc_services[0]" in proc.stderr and "'recover' was unexpected" in proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1
