"""Database targets and middleware are lifecycle services by default, decided for real in the lab: PostgreSQL,
MariaDB and Tomcat in one lab host, each under the lab's supervisor (harness/lab/supervise.py, the lab's
stand-in for systemd's Restart=always), certified with --profile disruptive and short soaks.

Each server's xc_services entry gives only its start/stop/status (the supervisor's) and binaries: its ports,
its probe (a SQL round trip, an HTTP request) and its load (the database smoke, an HTTP loop) are derived from
its target. A listener nobody declared is opened meanwhile and fails the port matrix by name.
"""

from __future__ import annotations

import json
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from harness.lab.db import pg_bin
from tests.conftest import xcert
from tests.integration import lifecycle_supervision as sv
from tests.integration.lab_fixture import Lab, host_of, lab_session, results

pytestmark = [
    pytest.mark.integration,
    pytest.mark.waiting,  # kills, recoveries and soaks (scheduled beside busy test files: tests/conftest.py)
    pytest.mark.skipif(not Path("/usr/share/tomcat10/bin/catalina.sh").is_file(), reason="tomcat10 is not installed"),
]

#: port and stop signal of each lab server (PostgreSQL: SIGINT is its fast shutdown)
SERVERS = {"postgresql": (5432, "INT"), "mariadb": (3306, "TERM"), "tomcat": (8080, "TERM")}
UNDECLARED = 8097
#: kill -9s declared for each server: fewer than the default ten (each a restart of a real server, a JVM for
#: Tomcat); the default itself is decided in tests/integration/test_lifecycle_lab.py (its ``web`` declares none)
KILLS = 3


@pytest.fixture(scope="module")
def lab(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Lab]:
    yield from lab_session(
        tmp_path_factory, "--hosts", "1", "--db", "postgresql", "--db", "mariadb", "--middleware", "tomcat"
    )


def _binaries() -> dict[str, list[str]]:
    return {
        "postgresql": [str(pg_bin() / "postgres"), str(pg_bin() / "psql")],
        "mariadb": ["/usr/sbin/mariadbd"],
        "tomcat": ["/usr/bin/java"],
    }


def _inventory(lab: Lab, tmp_path: Path, dirs: dict[str, Path]) -> Path:
    assert lab.inventory is not None
    inv = yaml.safe_load(lab.inventory.read_text(encoding="utf-8"))
    hv = inv["all"]["children"]["xcert_lab"]["hosts"]["lab1"]
    binaries = _binaries()
    hv["xc_services"] = [
        sv.service(dirs[name], name, binaries=binaries[name], recover_s=45, kills=KILLS) for name in SERVERS
    ]
    hv["xc_ports"] = [22]
    path = tmp_path / "inventory.yml"
    path.write_text(yaml.safe_dump(inv), encoding="utf-8")
    path.chmod(0o600)
    return path


@pytest.fixture
def supervised(lab: Lab, tmp_path: Path) -> Iterator[dict[str, Path]]:
    dirs = {name: tmp_path / "supervise" / name for name in SERVERS}
    try:
        for name, (port, stop_signal) in SERVERS.items():
            sv.supervise(lab, "lab1", dirs[name], port, stop_signal)
        yield dirs
    finally:
        sv.release(lab, "lab1", list(dirs.values()))


def _lc(host: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {c["id"]: c for c in host["checks"] if c["id"].startswith("XC-LC-")}


def _value(check: dict[str, Any], key: str) -> Any:
    return check["measurements"][key]["value"]


def test_every_target_is_a_service_decided_under_disruptive(
    lab: Lab, tmp_path: Path, supervised: dict[str, Path]
) -> None:
    inventory = _inventory(lab, tmp_path, supervised)
    planted = sv.ssh(lab, "lab1", f"setsid python3 -m http.server {UNDECLARED} </dev/null >/dev/null 2>&1 &")
    assert planted.returncode == 0, planted.stderr
    out = tmp_path / "run"
    try:
        proc = xcert(
            "certify", "-i", str(inventory), "--profile", "disruptive", "--no-provision", "--soak-seconds", "2",
            "--soak-hours", "2", "-k", "lifecycle", "--format", "json,html,pdf", "--out", str(out),
            env={**lab.env, "XCERT_HOUR_SECONDS": "1.5"}, timeout=900,
        )  # fmt: skip
    finally:
        sv.ssh(lab, "lab1", f"pkill -f 'http[.]server {UNDECLARED}'")
    assert proc.returncode in (0, 1, 2), proc.stderr
    host = host_of(results(out), "lab1")
    # the targets' passwords reach no result of their lifecycle checks (derived services carry the targets)
    written = (out / "results.json").read_text(encoding="utf-8")
    targets = yaml.safe_load(inventory.read_text(encoding="utf-8"))["all"]["children"]["xcert_lab"]["hosts"]["lab1"]
    passwords = [str(t["password"]) for t in targets["xc_db_targets"]]
    assert len(passwords) == 2 and not [p for p in passwords if p in written]
    checks = _lc(host)
    # derived from the targets: every target is a service, its ports and probe from the target
    run = json.loads((out / "run.json").read_text(encoding="utf-8"))
    services = {s["name"]: s for s in run["hosts"][0]["services"]}
    assert services["postgresql"]["probe"] == {"sql": "postgresql"} and services["postgresql"]["ports"] == [5432]
    assert services["mariadb"]["derived"] == "xc_db_targets[1]"
    assert services["tomcat"]["probe"] == {"http": 8080} and services["tomcat"]["ports"] == [8080, 8443, 8005]
    assert "unit" not in services["tomcat"]  # the explicit commands replace the target's unit
    assert checks["XC-LC-001"]["outcome"] == "pass", checks["XC-LC-001"]
    kill9 = checks["XC-LC-002"]
    assert kill9["outcome"] == "pass", kill9
    for name in SERVERS:
        assert _value(kill9, f"{name}.recoveries") == KILLS  # the declared count, every one recovered
        assert _value(kill9, f"{name}.recovery_max_s") <= 45
        assert _value(kill9, f"{name}.under_load") is True
        assert _value(checks["XC-LC-001"], f"{name}.restart_s") >= 0
    for name in ("postgresql", "mariadb"):
        # a row committed before each kill was read back after each recovery; the smoke committed meanwhile
        assert _value(kill9, f"{name}.committed_rows_checked") == KILLS
        assert _value(kill9, f"{name}.load_transactions") > 0
    assert checks["XC-LC-003"]["outcome"] == "pass", checks["XC-LC-003"]
    assert checks["XC-LC-004"]["outcome"] == "pass", checks["XC-LC-004"]
    ports = checks["XC-LC-005"]
    assert ports["outcome"] == "fail", ports
    assert f"{UNDECLARED}/tcp by python3" in ports["message"]
    for declared in (":5432/", ":3306/", ":8080/"):  # derived from the targets: in the matrix
        assert declared not in ports["message"]
    soak = checks["XC-LC-006"]
    assert soak["outcome"] in ("pass", "fail"), soak  # steadiness on a shared machine is not the test's to promise
    pngs = [ref for ref in soak["evidence"] if ref.endswith(".png")]
    assert len(pngs) == 3 and all((out / p).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" for p in pngs)
    assert sum(ref.endswith(".csv") for ref in soak["evidence"]) == 3
    # the long run, scaled down (an "hour" of 1.5 s): two hours of each load, the second against the first
    longrun = checks["XC-LC-008"]
    assert longrun["outcome"] in ("pass", "fail"), longrun
    for name in SERVERS:
        assert _value(longrun, f"{name}.hours") == 2 and _value(longrun, f"{name}.hour_s") == 1.5
    assert sum(ref.endswith(".png") for ref in longrun["evidence"]) == 3
    assert checks["XC-LC-007"]["outcome"] in ("pass", "fail") and checks["XC-LC-007"]["evidence"]
    # the fluctuation figure is drawn in the PDF itself
    images = subprocess.run(["pdfimages", "-list", str(out / "report.pdf")], capture_output=True, text=True, timeout=60)
    assert images.returncode == 0 and len(images.stdout.strip().splitlines()) >= 2 + 6, images.stdout
    # the servers are up and answering after the run (the supervisor brought each back each time)
    for name in SERVERS:
        assert sv.ssh(lab, "lab1", sv.ctl(supervised[name], "status")).returncode == 0


def test_a_target_without_start_and_stop_is_never_a_pass(lab: Lab, tmp_path: Path) -> None:
    """No systemd in the lab host and no xc_services entry: the targets' services cannot be stopped and started
    (nor safely killed), and the checks say which declaration is missing."""
    assert lab.inventory is not None
    out = tmp_path / "run"
    proc = xcert(
        "certify", "-i", str(lab.inventory), "--profile", "disruptive", "--no-provision", "--format", "json",
        "--check", "XC-LC-001", "--check", "XC-LC-002", "--out", str(out), env=lab.env, timeout=300,
    )  # fmt: skip
    assert proc.returncode in (0, 1, 2), proc.stderr
    checks = _lc(host_of(results(out), "lab1"))
    for cid in ("XC-LC-001", "XC-LC-002"):
        assert checks[cid]["outcome"] == "not_applicable", checks[cid]
        message = checks[cid]["message"]
        assert "declare start, stop and status for 'postgresql' in xc_services" in message
        assert "tomcat: xc_middleware_targets[0] names unit tomcat10.service, but the host runs no systemd" in message


def test_a_host_with_some_services_untestable_is_an_error(
    lab: Lab, tmp_path: Path, supervised: dict[str, Path]
) -> None:
    """PostgreSQL declared with its supervisor's commands, MariaDB and Tomcat left as derived: PostgreSQL's
    lifecycle passes, the others cannot be tested, and the check is an error naming what to declare."""
    assert lab.inventory is not None
    inv = yaml.safe_load(lab.inventory.read_text(encoding="utf-8"))
    inv["all"]["children"]["xcert_lab"]["hosts"]["lab1"]["xc_services"] = [
        sv.service(supervised["postgresql"], "postgresql")
    ]
    inventory = tmp_path / "inventory.yml"
    inventory.write_text(yaml.safe_dump(inv), encoding="utf-8")
    inventory.chmod(0o600)
    out = tmp_path / "run"
    proc = xcert(
        "certify", "-i", str(inventory), "--profile", "disruptive", "--no-provision", "--format", "json",
        "--check", "XC-LC-001", "--out", str(out), env=lab.env, timeout=300,
    )  # fmt: skip
    assert proc.returncode in (0, 1, 2), proc.stderr
    check = _lc(host_of(results(out), "lab1"))["XC-LC-001"]
    assert check["outcome"] == "error", check
    assert "declare start, stop and status for 'mariadb' in xc_services" in check["message"]
    assert "for 'postgresql'" not in check["message"]  # declared: tested, not named as missing
    assert _value(check, "postgresql.restart_s") >= 0  # PostgreSQL itself was stopped, started and restarted
