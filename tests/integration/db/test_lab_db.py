"""`xcert lab up --db postgresql --db mariadb`: real servers inside a lab host, certified over SSH
(one through an SSH tunnel), their service seen from inside the host, gone after `lab down`."""

from __future__ import annotations

import importlib.util
import json
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from tests.conftest import xcert
from tests.integration.lab_fixture import Lab, host_of, lab_session, results

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def db_lab(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Lab]:
    yield from lab_session(tmp_path_factory, "--hosts", "1", "--db", "postgresql", "--db", "mariadb")


def test_lab_declares_both_servers(db_lab: Lab) -> None:
    assert db_lab.inventory is not None
    inv = yaml.safe_load(db_lab.inventory.read_text(encoding="utf-8"))
    (host,) = inv["all"]["children"]["xcert_lab"]["hosts"].values()
    targets = host["xc_db_targets"]
    assert [(t["family"], t["port"]) for t in targets] == [("postgresql", 5432), ("mysql", 3306)]
    assert all(t["host"] == host["ansible_host"] and t["password"] for t in targets)


def test_certify_lab_database_over_ssh_tunnel(db_lab: Lab, tmp_path: Path) -> None:
    assert db_lab.inventory is not None
    inv = yaml.safe_load(db_lab.inventory.read_text(encoding="utf-8"))
    (name,) = inv["all"]["children"]["xcert_lab"]["hosts"]
    host = inv["all"]["children"]["xcert_lab"]["hosts"][name]
    host["xc_db_targets"][0]["tunnel"] = True
    tunnelled = tmp_path / "inv.yml"
    tunnelled.write_text(yaml.safe_dump(inv), encoding="utf-8")
    out = tmp_path / "run"
    proc = xcert("certify", "-i", str(tunnelled), "--profile", "full", "--out", str(out), env=db_lab.env, timeout=600)
    assert proc.returncode in (0, 1, 2), proc.stderr
    db = [c for c in host_of(results(out), name)["checks"] if c["layer"] == "db"]
    assert {c["subject"] for c in db} == {"postgresql", "mariadb"}  # each check once per target
    for subject in ("postgresql", "mariadb"):
        checks = {c["id"]: c for c in db if c["subject"] == subject}
        assert len(checks) == 26
        undecided = {cid: c["message"] for cid, c in checks.items() if c["outcome"] not in ("pass", "skipped")}
        # no vendor driver is catalogued for the MySQL family; ksycopg2 is an optional extra ('.[kingbase]')
        if subject == "mariadb" or importlib.util.find_spec("ksycopg2") is None:
            assert checks.pop("XC-DB-032")["outcome"] == "not_applicable"
            undecided.pop("XC-DB-032")
        assert undecided == {}
        assert checks["XC-DB-042"]["outcome"] == "skipped"  # disruptive only
        assert checks["XC-DB-050"]["measurements"]["tps"]["value"] > 1
        # the server runs inside the lab host: the host's own ps and ss see it
        assert "No systemd: the server process" in checks["XC-DB-040"]["message"]
    pg_login = next(c for c in db if c["id"] == "XC-DB-001" and c["subject"] == "postgresql")
    statements = json.loads((out / pg_login["evidence"][0]).read_text(encoding="utf-8"))["statements"]
    assert statements[0]["sql"].startswith("-- connect psycopg 127.0.0.1:")  # through the tunnel
    for target in host["xc_db_targets"]:
        assert str(target["password"]) not in (out / "results.json").read_text(encoding="utf-8")


def test_lab_down_stops_the_servers(tmp_path_factory: pytest.TempPathFactory) -> None:
    sessions = lab_session(tmp_path_factory, "--hosts", "1", "--db", "mariadb")
    try:
        lab = next(sessions)
        state = lab.state()
        assert state["dbs"] and state["dbs"][0]["kind"] == "mariadb"
        server = json.loads(
            (Path(state["dbs"][0]["workdir"]) / "mariadb" / "xcert-lab-db.json").read_text(encoding="utf-8")
        )
        datadir = server["datadir"]

        def running() -> list[str]:
            out = subprocess.run(["ps", "-eww", "-o", "args"], capture_output=True, text=True, check=True).stdout
            return [ln for ln in out.splitlines() if datadir in ln and "mariadbd" in ln]

        assert running(), "the lab's mariadbd is not running"
        with pytest.raises(StopIteration):
            next(sessions)  # lab down
        assert running() == []
    finally:
        sessions.close()  # lab down, if a failure above skipped it
