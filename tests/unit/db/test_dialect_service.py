"""What the service checks need of each family comes from its dialect: run on this machine's own shell."""

from __future__ import annotations

import os
import re
import socket
from pathlib import Path

import pytest

from harness.db import perf_tools
from harness.db.dialects import dialect_of
from harness.db.service import server_pid
from harness.db.targets import FAMILIES
from harness.transport.local import LocalTransport

ROOT = Path(__file__).resolve().parents[3]
run = LocalTransport().run


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_every_family_names_its_smoke_tool_and_the_tool_has_a_runner() -> None:
    tools = {f: dialect_of(f).smoke_tool for f in FAMILIES}
    assert tools == {"postgresql": "pgbench", "mysql": "sysbench", "dameng": None}
    assert {t for t in tools.values() if t} == set(perf_tools.RUNNERS)
    assert set(perf_tools.RUNNERS) <= set(perf_tools.TOOL_CHOICES)


def test_a_listener_ss_shows_is_the_server_whatever_the_family() -> None:
    if os.geteuid() != 0:
        pytest.skip("ss shows the processes of other users' sockets to root only")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen()
        port = int(s.getsockname()[1])
        for family in FAMILIES:
            assert server_pid(run, port, lambda sql: pytest.fail(f"asked {sql}"), family) == os.getpid()


def test_postgresql_asks_for_its_backend_and_takes_the_parent() -> None:
    asked: list[str] = []

    def ask(sql: str) -> object:
        asked.append(sql)
        return os.getpid()  # this process plays the backend: its parent is the "postmaster"

    assert server_pid(run, _free_port(), ask, "postgresql") == os.getppid()
    assert asked == ["SELECT pg_backend_pid()"]


def test_mysql_reads_the_pid_file_the_server_names(tmp_path: Path) -> None:
    pid_file = tmp_path / "my server.pid"
    pid_file.write_text("4242\n", encoding="ascii")
    assert server_pid(run, _free_port(), lambda sql: str(pid_file), "mysql") == 4242
    pid_file.write_text("not a pid\n", encoding="ascii")
    assert server_pid(run, _free_port(), lambda sql: str(pid_file), "mysql") is None


def test_dameng_cannot_say_and_without_a_family_nothing_is_asked() -> None:
    assert server_pid(run, _free_port(), lambda sql: pytest.fail("asked"), "dameng") is None
    assert server_pid(run, _free_port(), lambda sql: pytest.fail("asked")) is None


def test_data_directory_mode_rules_are_the_dialects() -> None:
    assert dialect_of("postgresql").datadir_mode_problem(0o700) is None
    assert "0700 or 0750" in (dialect_of("postgresql").datadir_mode_problem(0o770) or "")
    assert "other users" in (dialect_of("dameng").datadir_mode_problem(0o755) or "")
    assert dialect_of("mysql").datadir_mode_problem(0o755) is None


def test_no_family_branch_outside_the_dialects() -> None:
    branch = re.compile(r"\bfamily\s*(==|!=|in\s*\()")
    found = [
        f"{path.relative_to(ROOT)}:{n}"
        for path in sorted((ROOT / "harness" / "db").rglob("*.py"))
        if "dialects" not in path.parts
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if branch.search(line)
    ]
    assert found == []
