"""`xcert certify` against real PostgreSQL and MariaDB servers: every DB check decided, none error."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

import pytest

from harness.db.connection import SqlLog, connect
from harness.db.targets import DbTarget
from harness.results import validate
from tests.conftest import xcert
from tests.integration.db.conftest import target_of, write_inventory

pytestmark = pytest.mark.integration

SQL_FEATURES = [f"XC-DB-{n:03d}" for n in range(10, 26)]


def _results(out: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((out / "results.json").read_text(encoding="utf-8"))
    return data


def _db_checks(results: dict[str, Any], host: str) -> dict[str, dict[str, Any]]:
    (h,) = [h for h in results["hosts"] if h["name"] == host]
    return {c["id"]: c for c in h["checks"] if c["layer"] == "db"}


def _leftover_scratch(server: dict[str, Any]) -> list[str]:
    target = DbTarget.from_mapping(server)
    with connect(target, SqlLog()) as conn:
        if target.family == "postgresql":
            rows = conn.query("SELECT nspname FROM pg_namespace WHERE nspname LIKE 'xc_scratch_%'")
        else:
            rows = conn.query(
                "SELECT schema_name FROM information_schema.schemata WHERE schema_name LIKE 'xc_scratch_%'"
            )
        return [str(r[0]) for r in rows]


def _files_containing(root: Path, secret: str) -> list[str]:
    return [str(p) for p in root.rglob("*") if p.is_file() and secret.encode() in p.read_bytes()]


@pytest.fixture(scope="module")
def full_run(
    tmp_path_factory: pytest.TempPathFactory, pg_server: dict[str, Any], mariadb_server: dict[str, Any]
) -> tuple[subprocess.CompletedProcess[str], Path]:
    base = tmp_path_factory.mktemp("dbrun")
    inv = write_inventory(
        base / "inv.yml", {"pg": [target_of(pg_server)], "maria": [target_of(mariadb_server, tps_min=1)]}
    )
    out = base / "run"
    # the Python fallback of the smoke (client processes) here; the lab test (test_lab_db.py) runs pgbench/sysbench
    # and a 2 s smoke (XCERT_SMOKE_SECONDS; the profile's 10 s decides nothing more here, it costs 2 cores)
    env = {"XCERT_SMOKE_TOOL": "python", "XCERT_SMOKE_SECONDS": "2"}
    return xcert("certify", "-i", str(inv), "--profile", "full", "--out", str(out), env=env, timeout=600), out


@pytest.mark.parametrize("host", ["pg", "maria"])
def test_full_profile_decides_every_db_check(
    full_run: tuple[subprocess.CompletedProcess[str], Path], host: str
) -> None:
    proc, out = full_run
    results = _results(out)
    assert validate(results) == [], proc.stderr
    checks = _db_checks(results, host)
    errors = {cid: c["message"] for cid, c in checks.items() if c["outcome"] == "error"}
    assert not errors
    for cid in ["XC-DB-001", "XC-DB-002", "XC-DB-003", *SQL_FEATURES, "XC-DB-030", "XC-DB-040", "XC-DB-041"]:
        assert checks[cid]["outcome"] == "pass", (cid, checks[cid]["message"])
    assert checks["XC-DB-042"]["outcome"] == "skipped"  # disruptive only
    for cid in SQL_FEATURES:  # the feature table: one row per feature, supported or not
        assert checks[cid]["measurements"]["supported"] == {"value": True, "unit": "bool"}


@pytest.mark.parametrize("host", ["pg", "maria"])
def test_tps_and_latency_measured(full_run: tuple[subprocess.CompletedProcess[str], Path], host: str) -> None:
    _, out = full_run
    perf = _db_checks(_results(out), host)["XC-DB-050"]
    assert perf["outcome"] == "pass", perf["message"]
    m = perf["measurements"]
    assert m["tps"]["unit"] == "tps" and m["tps"]["value"] > 1
    assert m["latency_p50"]["value"] <= m["latency_p95"]["value"] <= m["latency_p99"]["value"]
    assert m["clients"]["value"] == 4
    assert 1.5 <= m["duration"]["value"] <= 5, m["duration"]  # XCERT_SMOKE_SECONDS=2, measured and reported
    assert "TPS (python, 4 clients" in perf["message"]  # the report names the tool
    assert m["client_cpu"]["unit"] == "%" and m["client_cpu"]["value"] > 0
    assert m["client_saturated"]["unit"] == "bool"


def test_sql_evidence_recorded_and_passwords_never_written(
    full_run: tuple[subprocess.CompletedProcess[str], Path], pg_server: dict[str, Any], mariadb_server: dict[str, Any]
) -> None:
    _, out = full_run
    check = _db_checks(_results(out), "pg")["XC-DB-015"]
    docs = [json.loads((out / ref).read_text(encoding="utf-8")) for ref in check["evidence"]]
    sql = [s["sql"] for d in docs if d.get("kind") == "sql" for s in d["statements"]]
    assert any(s.startswith("SAVEPOINT") for s in sql) and any(s.startswith("DROP SCHEMA") for s in sql)
    for server in (pg_server, mariadb_server):
        assert _files_containing(out, server["password"]) == []


def test_scratch_schemas_are_dropped(
    full_run: tuple[subprocess.CompletedProcess[str], Path], pg_server: dict[str, Any], mariadb_server: dict[str, Any]
) -> None:
    assert _leftover_scratch(pg_server) == []
    assert _leftover_scratch(mariadb_server) == []


def test_report_shows_the_feature_table(full_run: tuple[subprocess.CompletedProcess[str], Path]) -> None:
    _, out = full_run
    html = next(out.glob("report*.html")).read_text(encoding="utf-8")
    for cid in SQL_FEATURES:
        assert cid in html


def test_wrong_password_and_port_are_errors_with_reasons(
    tmp_path: Path, pg_server: dict[str, Any], mariadb_server: dict[str, Any]
) -> None:
    planted = "Planted-Wrong-Pw-7319"
    inv = write_inventory(
        tmp_path / "inv.yml",
        {
            "badpw": [target_of(pg_server, password=planted)],
            "badport": [target_of(mariadb_server, port=1)],
        },
    )
    out = tmp_path / "run"
    proc = xcert("certify", "-i", str(inv), "--out", str(out))
    assert proc.returncode in (1, 2), proc.stderr  # the OS checks of a Debian host fail; DB ones are errors
    results = _results(out)
    for host, reason in (("badpw", "password authentication failed"), ("badport", "Can't connect")):
        login = _db_checks(results, host)["XC-DB-001"]
        assert login["outcome"] == "error"
        assert reason in login["message"], login["message"]
        # nothing a connection decides is a failure; only the host-side service check may fail, and
        # then because nothing listens on the declared port (true: the port is wrong)
        failed = {c["id"]: c["message"] for c in _db_checks(results, host).values() if c["outcome"] == "fail"}
        assert failed in ({}, {"XC-DB-040": "Nothing listens on port 1"}), failed
    assert _files_containing(out, planted) == []


DROPPING_SUITE = """
from harness.checks import N_, check

@check("XC-DB-099", layer="db", severity="mandatory", title=N_("x"), requirement=N_("x"), remedy=N_("x"))
def test_connection_dropped_mid_check(db_target, db_scratch, db_connect, xc):
    conn = db_scratch.conn
    conn.execute("CREATE TABLE xc_half (id INT)")
    conn.commit()
    killer = db_connect("killer")
    if db_target.family == "postgresql":
        pid = conn.scalar("SELECT pg_backend_pid()")
        killer.query("SELECT pg_terminate_backend(%s)", (pid,))
    else:
        pid = conn.scalar("SELECT CONNECTION_ID()")
        killer.execute(f"KILL {int(pid)}")
    killer.commit()
    from harness.db.verdict import decide_feature
    from harness.db import features
    decide_feature(xc, db_scratch, features.views)
"""


def test_connection_dropped_mid_check_is_error_and_scratch_dropped(
    tmp_path: Path, pg_server: dict[str, Any], mariadb_server: dict[str, Any]
) -> None:
    suites = tmp_path / "suites"
    (suites / "db").mkdir(parents=True)
    (suites / "__init__.py").write_text("")
    (suites / "db" / "__init__.py").write_text("")
    (suites / "db" / "test_drop.py").write_text(DROPPING_SUITE)
    inv = write_inventory(tmp_path / "inv.yml", {"pg": [target_of(pg_server)], "maria": [target_of(mariadb_server)]})
    out = tmp_path / "run"
    proc = xcert("certify", "-i", str(inv), "--out", str(out), env={"XCERT_SUITES": str(suites)})
    assert proc.returncode == 2, proc.stderr  # INCOMPLETE: an error, not a failure
    for host in ("pg", "maria"):
        check = _db_checks(_results(out), host)["XC-DB-099"]
        assert check["outcome"] == "error", check["message"]
        assert "lost" in check["message"], check["message"]
    assert _leftover_scratch(pg_server) == []
    assert _leftover_scratch(mariadb_server) == []


def test_two_targets_on_one_host_are_decided_once_each(
    tmp_path: Path, pg_server: dict[str, Any], mariadb_server: dict[str, Any]
) -> None:
    inv = write_inventory(tmp_path / "inv.yml", {"both": [target_of(pg_server), target_of(mariadb_server)]})
    out = tmp_path / "run"
    proc = xcert("certify", "-i", str(inv), "--out", str(out))
    assert proc.returncode in (1, 2), proc.stderr
    results = _results(out)
    assert validate(results) == []
    (host,) = results["hosts"]
    db = [c for c in host["checks"] if c["layer"] == "db"]
    assert sorted({c["subject"] for c in db}) == ["mariadb", "postgresql"]
    for subject in ("mariadb", "postgresql"):
        mine = {c["id"]: c for c in db if c["subject"] == subject}
        assert len(mine) == 33  # 26, XC-DB-026 and XC-DB-060..065 (not_applicable: not OceanBase)
        assert mine["XC-DB-001"]["outcome"] == "pass"
        assert all(mine[cid]["outcome"] == "pass" for cid in SQL_FEATURES)
        assert not [c["id"] for c in mine.values() if c["outcome"] == "error"]
