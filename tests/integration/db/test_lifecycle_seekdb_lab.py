"""OceanBase seekdb (with PostgreSQL and MariaDB beside it in the session's db lab) as a lifecycle service: ten
kill -9 recoveries under the database smoke with committed rows intact, stop/start/restart, sampled runs.

seekdb takes seconds to come back after each kill, so this is not in the default run: CI runs it once with
``pytest -m seekdb_soak tests/integration/db/test_lifecycle_seekdb_lab.py``. Telemetry stays off: the lab's
supervisor starts seekdb again only with TELEMETRY_ENABLED=false (harness/lab/supervise.py), checked here.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.conftest import xcert
from tests.integration import lifecycle_supervision as sv
from tests.integration.db.conftest import LAB_DBS
from tests.integration.lab_fixture import Lab, host_of, results

pytestmark = [
    pytest.mark.integration,
    pytest.mark.seekdb_soak,
    pytest.mark.skipif("oceanbase" not in LAB_DBS, reason="pylibseekdb is not installed ('.[oceanbase]')"),
    pytest.mark.skipif(
        "'seekdb_soak' not in (config.getoption('markexpr') or '')", reason="slow: run with -m seekdb_soak"
    ),
]

SERVERS = {"postgresql": (5432, "INT", 45), "mariadb": (3306, "TERM", 45), "oceanbase": (2881, "USR1", 180)}


@pytest.fixture
def supervised(db_lab: Lab, tmp_path: Path) -> Iterator[dict[str, Path]]:
    name = next(iter(sv.host_vars_names(db_lab)))
    dirs = {kind: tmp_path / "supervise" / kind for kind in SERVERS if kind in LAB_DBS}
    try:
        for kind, directory in dirs.items():
            port, stop_signal, _ = SERVERS[kind]
            sv.supervise(db_lab, name, directory, port, stop_signal)
        yield dirs
    finally:
        sv.release(db_lab, name, list(dirs.values()))


def _inventory(lab: Lab, tmp_path: Path, dirs: dict[str, Path]) -> tuple[str, Path]:
    assert lab.inventory is not None
    inv = yaml.safe_load(lab.inventory.read_text(encoding="utf-8"))
    ((name, hv),) = inv["all"]["children"]["xcert_lab"]["hosts"].items()
    hv["xc_services"] = [sv.service(d, kind, recover_s=SERVERS[kind][2]) for kind, d in dirs.items()]
    path = tmp_path / "inventory.yml"
    path.write_text(yaml.safe_dump(inv), encoding="utf-8")
    path.chmod(0o600)
    return name, path


def _value(check: dict[str, Any], key: str) -> Any:
    return check["measurements"][key]["value"]


def test_seekdb_and_its_neighbours_survive_ten_kills(db_lab: Lab, tmp_path: Path, supervised: dict[str, Path]) -> None:
    name, inventory = _inventory(db_lab, tmp_path, supervised)
    out = tmp_path / "run"
    proc = xcert(
        "certify", "-i", str(inventory), "--profile", "disruptive", "--no-provision", "--soak-seconds", "2",
        "--check", "XC-LC-001", "--check", "XC-LC-002", "--check", "XC-LC-006", "--format", "json",
        "--out", str(out), env=db_lab.env, timeout=3000,
    )  # fmt: skip
    assert proc.returncode in (0, 1, 2), proc.stderr
    checks = {c["id"]: c for c in host_of(results(out), name)["checks"]}
    assert checks["XC-LC-001"]["outcome"] == "pass", checks["XC-LC-001"]
    kill9 = checks["XC-LC-002"]
    assert kill9["outcome"] == "pass", kill9
    for kind in supervised:
        assert _value(kill9, f"{kind}.recoveries") == 10
        assert _value(kill9, f"{kind}.committed_rows_checked") == 10
    assert checks["XC-LC-006"]["outcome"] in ("pass", "fail"), checks["XC-LC-006"]
    # every seekdb the supervisor started runs with telemetry off
    current = sv.current_pid(db_lab, name, supervised["oceanbase"])
    environ = sv.ssh(db_lab, name, f"tr '\\0' '\\n' < /proc/{current}/environ").stdout.split()
    assert "TELEMETRY_ENABLED=false" in environ
