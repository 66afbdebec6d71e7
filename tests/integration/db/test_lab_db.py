"""`xcert lab up --db postgresql --db mariadb --db oceanbase`: real servers inside ONE lab host (a session
fixture, so seekdb starts once), certified over SSH with --profile disruptive (one through an SSH tunnel),
their service seen from inside the host, the four OceanBase defects of issue 14 decided against the real server."""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.conftest import xcert
from tests.integration.db.conftest import LAB_DBS
from tests.integration.lab_fixture import Lab, host_of, lab_session, results

pytestmark = pytest.mark.integration

needs_seekdb = pytest.mark.skipif("oceanbase" not in LAB_DBS, reason="pylibseekdb is not installed ('.[oceanbase]')")
#: every DB check a target gets (26 before issue 14, XC-DB-026 and XC-DB-060..065 since)
DB_CHECKS = 33
OCEANBASE_ONLY = {f"XC-DB-06{n}" for n in range(6)}


def _server_state(lab: Lab, kind: str) -> dict[str, Any]:
    db = next(d for d in lab.state()["dbs"] if d["kind"] == kind)
    data: dict[str, Any] = json.loads((Path(db["workdir"]) / kind / "xcert-lab-db.json").read_text(encoding="utf-8"))
    return data


def _host(lab: Lab) -> tuple[str, dict[str, Any]]:
    assert lab.inventory is not None
    inv = yaml.safe_load(lab.inventory.read_text(encoding="utf-8"))
    ((name, host),) = inv["all"]["children"]["xcert_lab"]["hosts"].items()
    return name, host


@pytest.fixture(scope="module")
def disruptive_run(db_lab: Lab, tmp_path_factory: pytest.TempPathFactory) -> tuple[str, dict[str, Any], Path]:
    """One `certify --profile disruptive` (every DB check of full, and the restart) of the lab host: the DB
    layer only, the one this module reads (the targets' lifecycle checks are decided in test_lifecycle_*)."""
    name, host = _host(db_lab)
    inv = yaml.safe_load(db_lab.inventory.read_text(encoding="utf-8"))  # type: ignore[union-attr]
    next(t for t in inv["all"]["children"]["xcert_lab"]["hosts"][name]["xc_db_targets"] if t["name"] == "postgresql")[
        "tunnel"
    ] = True
    base = tmp_path_factory.mktemp("labdb")
    tunnelled = base / "inv.yml"
    tunnelled.write_text(yaml.safe_dump(inv), encoding="utf-8")
    out = base / "run"
    proc = xcert(
        # the targets are lifecycle services too (harness/lifecycle/derive.py): short load runs, not 3 x 15 min
        "certify", "-i", str(tunnelled), "--profile", "disruptive", "-m", "db", "--soak-seconds", "2",
        "--out", str(out), env={**db_lab.env, "XCERT_SMOKE_SECONDS": "2"}, timeout=900,
    )  # fmt: skip
    assert proc.returncode in (0, 1, 2), proc.stderr
    return name, host, out


def _checks(run: tuple[str, dict[str, Any], Path], subject: str) -> dict[str, dict[str, Any]]:
    name, _, out = run
    db = [c for c in host_of(results(out), name)["checks"] if c["layer"] == "db"]
    return {c["id"]: c for c in db if c["subject"] == subject}


def test_lab_declares_every_server(db_lab: Lab) -> None:
    _, host = _host(db_lab)
    targets = {t["name"]: t for t in host["xc_db_targets"]}
    assert set(targets) == set(LAB_DBS)
    ports = {"postgresql": ("postgresql", 5432), "mariadb": ("mysql", 3306), "oceanbase": ("mysql", 2881)}
    for name, t in targets.items():
        assert (t["family"], t["port"]) == ports[name]
        assert t["host"] == host["ansible_host"] and t["password"]
    if "oceanbase" in targets:
        assert targets["oceanbase"]["product"] == "oceanbase"


@needs_seekdb
def test_seekdb_runs_inside_the_lab_host_with_telemetry_off(db_lab: Lab) -> None:
    """The safety of issue 14: the server's own environment says TELEMETRY_ENABLED=false, and it lives in the
    lab host's network namespace (no route out), never in the machine's."""
    from harness.lab import oceanbase
    from harness.lab.db import _netns_pids

    state = _server_state(db_lab, "oceanbase")
    netns = db_lab.host("lab1")["netns"]
    pids = oceanbase.server_pids(_netns_pids(netns), Path(state["datadir"]))
    assert pids, "no seekdb process in the lab host"
    for pid in pids:
        environ = Path(f"/proc/{pid}/environ").read_bytes().split(b"\0")
        assert b"TELEMETRY_ENABLED=false" in environ
        assert os.readlink(f"/proc/{pid}/ns/net") != os.readlink("/proc/self/ns/net")
        inside = subprocess.run(["ip", "netns", "identify", str(pid)], capture_output=True, text=True, timeout=10)
        assert inside.stdout.strip() == netns
    routes = subprocess.run(["ip", "netns", "exec", netns, "ip", "route"], capture_output=True, text=True, timeout=10)
    assert "default" not in routes.stdout  # nothing outside the lab is reachable from the host


def test_certify_decides_every_db_check_without_error(disruptive_run: tuple[str, dict[str, Any], Path]) -> None:
    name, host, out = disruptive_run
    db = [c for c in host_of(results(out), name)["checks"] if c["layer"] == "db"]
    assert {c["subject"] for c in db} == set(LAB_DBS)  # each check once per target
    for subject in LAB_DBS:
        checks = _checks(disruptive_run, subject)
        assert len(checks) == DB_CHECKS
        assert {cid: c["message"] for cid, c in checks.items() if c["outcome"] == "error"} == {}
        # no vendor driver is catalogued for the MySQL family; ksycopg2 is an optional extra ('.[kingbase]')
        if subject != "postgresql" or importlib.util.find_spec("ksycopg2") is None:
            assert checks["XC-DB-032"]["outcome"] == "not_applicable"
        if subject != "oceanbase":
            assert {checks[c]["outcome"] for c in OCEANBASE_ONLY} == {"not_applicable"}
        assert checks["XC-DB-042"]["outcome"] == "pass", checks["XC-DB-042"]["message"]  # restarted, rows intact
        assert checks["XC-DB-042"]["measurements"]["rows_after"]["value"] == 100
        assert checks["XC-DB-050"]["measurements"]["tps"]["value"] > 1
        assert "TPS (" in checks["XC-DB-050"]["message"] and "% CPU" in checks["XC-DB-050"]["message"]
        # the server runs inside the lab host: the host's own ps and ss see it
        assert "No systemd: the server process" in checks["XC-DB-040"]["message"]
    pg_login = _checks(disruptive_run, "postgresql")["XC-DB-001"]
    statements = json.loads((out / pg_login["evidence"][0]).read_text(encoding="utf-8"))["statements"]
    assert statements[0]["sql"].startswith("-- connect psycopg 127.0.0.1:")  # through the tunnel
    for target in host["xc_db_targets"]:
        assert str(target["password"]) not in (out / "results.json").read_text(encoding="utf-8")


def test_inline_references_finding(disruptive_run: tuple[str, dict[str, Any], Path]) -> None:
    """XC-DB-026 passes where an inline REFERENCES is enforced (PostgreSQL, MariaDB >= 10.5) and fails where it
    is parsed and ignored (OceanBase MySQL mode); XC-DB-017's table-level key holds everywhere."""
    for subject in LAB_DBS:
        checks = _checks(disruptive_run, subject)
        assert checks["XC-DB-017"]["outcome"] == "pass", checks["XC-DB-017"]["message"]
        want = "fail" if subject == "oceanbase" else "pass"
        assert checks["XC-DB-026"]["outcome"] == want, checks["XC-DB-026"]["message"]


@needs_seekdb
def test_oceanbase_defects_fixed_against_the_real_server(disruptive_run: tuple[str, dict[str, Any], Path]) -> None:
    """Issue 14's four defects: identification (catalog id, kernel 4.3.5.3), build arch from the binary,
    the relative @@datadir resolved against the server's cwd, table-level foreign keys (above)."""
    checks = _checks(disruptive_run, "oceanbase")
    assert checks["XC-DB-002"]["outcome"] == "pass", checks["XC-DB-002"]["message"]
    assert checks["XC-DB-002"]["message"].startswith("OceanBase seekdb 4.3.5.3")
    assert checks["XC-DB-003"]["outcome"] == "pass"
    assert "ELF header" in checks["XC-DB-003"]["message"]
    assert checks["XC-DB-041"]["outcome"] == "pass", checks["XC-DB-041"]["message"]
    assert checks["XC-DB-041"]["message"].split(" owned by ")[0].endswith("/oceanbase/store")
    assert "sysbench" in checks["XC-DB-050"]["message"] or "python" in checks["XC-DB-050"]["message"]


@needs_seekdb
def test_oceanbase_checks_against_seekdb(disruptive_run: tuple[str, dict[str, Any], Path]) -> None:
    """seekdb is MySQL mode only, has utf8mb4 and binary only, no sequences, no obclient here."""
    checks = _checks(disruptive_run, "oceanbase")
    assert checks["XC-DB-060"]["outcome"] == "pass" and checks["XC-DB-060"]["message"].startswith("mysql mode")
    assert checks["XC-DB-061"]["outcome"] == "pass"
    assert checks["XC-DB-061"]["measurements"]["param_memory_budget"]["value"] == 2 << 30
    assert checks["XC-DB-062"]["outcome"] == "fail"  # no GB18030 (nor GBK) in seekdb
    assert "gb18030" in checks["XC-DB-062"]["message"]
    assert checks["XC-DB-063"]["outcome"] == "pass"
    assert "READ-COMMITTED (MySQL: REPEATABLE-READ)" in checks["XC-DB-063"]["message"]
    assert checks["XC-DB-064"]["outcome"] == "fail"  # no CREATE SEQUENCE in seekdb
    assert checks["XC-DB-065"]["outcome"] == "not_applicable"


def test_lab_down_stops_the_servers(tmp_path_factory: pytest.TempPathFactory) -> None:
    sessions = lab_session(tmp_path_factory, "--hosts", "1", "--db", "mariadb")
    try:
        lab = next(sessions)
        state = lab.state()
        assert state["dbs"] and state["dbs"][0]["kind"] == "mariadb"
        datadir = _server_state(lab, "mariadb")["datadir"]

        def running() -> list[str]:
            out = subprocess.run(["ps", "-eww", "-o", "args"], capture_output=True, text=True, check=True).stdout
            return [ln for ln in out.splitlines() if datadir in ln and "mariadbd" in ln]

        assert running(), "the lab's mariadbd is not running"
        with pytest.raises(StopIteration):
            next(sessions)  # lab down
        assert running() == []
    finally:
        sessions.close()  # lab down, if a failure above skipped it
