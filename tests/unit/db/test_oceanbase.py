"""OceanBase decisions on captured answers (seekdb measured in a lab host; OceanBase CE from its documented
views), and the lab's seekdb handling that needs no server: its start command, its graceful stop."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from harness.db import oceanbase
from harness.db.oceanbase import ObFacts
from harness.db.service import resolve_datadir, restart_command
from harness.lab import oceanbase as lab_ob

#: seekdb 1.4.0.0 (OceanBase 4.3.5.3), measured: no ob_compatibility_mode, no tenant view
SEEKDB = ObFacts(
    compat_mode=None,
    parameters={"cpu_count": "2", "memory_limit": "0M", "memory_budget": "2G", "log_disk_size": "2G"},
    charsets=["binary", "utf8mb4"],
    settings={
        "lower_case_table_names": "1",
        "transaction_isolation": "READ-COMMITTED",
        "time_zone": "+08:00",
        "system_time_zone": "+00:00",
    },
)
#: an OceanBase CE 4.x Oracle-mode tenant with the Chinese character sets (its documented variables)
CE_ORACLE = ObFacts(
    compat_mode="ORACLE",
    tenant_view=True,
    tenants=[{"name": "sys", "type": "SYS", "mode": "MYSQL"}, {"name": "ora", "type": "USER", "mode": "ORACLE"}],
    charsets=["binary", "gb18030", "gbk", "utf8mb4"],
    settings={"lower_case_table_names": "1", "transaction_isolation": "READ-COMMITTED", "time_zone": "SYSTEM"},
)


def test_compat_mode_against_the_declared_one() -> None:
    assert oceanbase.decide_compat(SEEKDB, None) == (True, "mysql")
    assert oceanbase.decide_compat(SEEKDB, "mysql") == (True, "mysql")
    assert oceanbase.decide_compat(SEEKDB, "oracle") == (False, "mysql")  # seekdb has no Oracle mode
    assert oceanbase.decide_compat(CE_ORACLE, "oracle") == (True, "oracle")
    assert oceanbase.decide_compat(CE_ORACLE, "mysql") == (False, "oracle")


def test_chinese_character_sets() -> None:
    assert oceanbase.decide_charsets(SEEKDB) == (False, ["gb18030", "gbk"])
    assert oceanbase.decide_charsets(CE_ORACLE) == (True, [])


def test_migration_gaps_name_what_differs() -> None:
    gaps = oceanbase.migration_gaps(SEEKDB)
    assert gaps["mysql:transaction_isolation"] == "READ-COMMITTED (MySQL: REPEATABLE-READ)"
    assert gaps["mysql:lower_case_table_names"] == "1 (MySQL: 0)"
    assert gaps["mysql:time_zone"] == "+08:00 (MySQL: SYSTEM)"
    assert "oracle:transaction_isolation" not in gaps
    assert "mysql:time_zone" not in oceanbase.migration_gaps(CE_ORACLE)


def test_parameter_values() -> None:
    assert oceanbase.parameter_value("memory_budget", "2G") == 2 << 30
    assert oceanbase.parameter_value("datafile_size", "32M") == 32 << 20
    assert oceanbase.parameter_value("cpu_count", "2") == 2
    assert oceanbase.parameter_value("x", "lots") is None


def test_relative_datadir_resolves_against_the_cwd() -> None:
    assert resolve_datadir("store", "/srv/ob") == "/srv/ob/store"
    assert resolve_datadir("./store/../store", "/srv/ob") == "/srv/ob/store"
    assert resolve_datadir("/var/lib/mysql", "/srv/ob") == "/var/lib/mysql"
    assert resolve_datadir("store", None) is None


def test_restart_keeps_telemetry_off_and_stops_seekdb_with_usr1() -> None:
    cmd = restart_command(
        "mysql",
        34,
        "root",
        "/b/store",
        None,
        ["/x/seekdb", "--base-dir", "/b"],
        cwd="/b",
        env={"TELEMETRY_ENABLED": "false"},
    )
    assert cmd.startswith("kill -USR1 34 ")
    assert "cd /b && setsid env TELEMETRY_ENABLED=false /x/seekdb --base-dir /b" in cmd
    assert restart_command("mysql", 7, "mysql", "/d", None, ["/usr/sbin/mariadbd"]).startswith("kill -TERM 7 ")


def test_start_command_has_only_the_telemetry_switch_and_path(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(lab_ob, "seekdb_binary", lambda: Path("/w/pylibseekdb/seekdb"))
    argv = lab_ob.command(["nsenter", "-t", "9", "--net", "--"], Path("/b"), 2881)
    assert argv[:7] == ["nsenter", "-t", "9", "--net", "--", "env", "-i"]
    assert argv[7:9] == ["TELEMETRY_ENABLED=false", "PATH=/usr/sbin:/usr/bin:/sbin:/bin"]
    assert "memory_budget=2G" in argv and "cpu_count=2" in argv and "--nodaemon" in argv


def test_seekdb_never_starts_outside_a_lab_host() -> None:
    with pytest.raises(lab_ob.SeekdbError, match="only inside a lab host"):
        lab_ob.start([], "127.0.0.1", 2881, Path("/nonexistent"), "pw", "xcert", lambda: [])


def test_graceful_stop_sends_usr1_and_waits() -> None:
    """A real process that exits 0 on SIGUSR1 (as seekdb does) and ignores SIGTERM: stop() ends it with USR1."""
    code = (
        "import signal, sys, time\n"
        "signal.signal(signal.SIGTERM, signal.SIG_IGN)\n"
        "signal.signal(signal.SIGUSR1, lambda *a: sys.exit(0))\n"
        "print('ready', flush=True)\n"
        "time.sleep(60)\n"
    )
    proc = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout is not None and proc.stdout.readline().strip() == "ready"
        t0 = time.monotonic()
        lab_ob.stop([proc.pid])
        assert proc.wait(5) == 0  # exit 0: the graceful path, not SIGKILL (-9)
        assert time.monotonic() - t0 < 10
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGKILL)
            proc.wait(5)


def test_sysbench_report_parses_with_its_histogram() -> None:
    """A real sysbench 1.0.20 run of tools/tpcb.lua (MariaDB 10.11 in a lab host, 2 threads, 2 s)."""
    from harness.db.perf_tools import parse_sysbench

    text = (Path(__file__).parent / "sysbench-tpcb-run.txt").read_text(encoding="utf-8")
    tx, errors, latencies = parse_sysbench(text)
    assert (tx, errors) == (5382, 0)
    assert len(latencies) == 5382  # the histogram's counts add up to the transactions
    p95 = sorted(latencies)[int(0.95 * len(latencies)) - 1]
    assert abs(p95 - 3.36) < 0.2  # sysbench's own 95th percentile
