"""Parsers and judgements of the service checks, on real command output."""

from __future__ import annotations

import shlex

from harness.db.service import PathStat, datadir_problem, parse_ss, parse_stat, restart_command

# real `ss -H -ltnp` lines (this machine, root)
SS = (
    'LISTEN 0      200        127.0.0.1:33741      0.0.0.0:*    users:(("postgres",pid=5158,fd=6))\n'
    'LISTEN 0      80         127.0.0.1:54067      0.0.0.0:*    users:(("mariadbd",pid=5746,fd=20))\n'
    "LISTEN 0      128             [::]:22            [::]:*\n"
)


def test_parse_ss() -> None:
    found = parse_ss(SS)
    assert [(x.local, x.port, x.processes) for x in found] == [
        ("127.0.0.1", 33741, [("postgres", 5158)]),
        ("127.0.0.1", 54067, [("mariadbd", 5746)]),
        ("[::]", 22, []),
    ]
    assert parse_ss("") == []


def test_parse_stat() -> None:
    assert parse_stat("postgres postgres 700 directory\n") == PathStat("postgres", "postgres", 0o700, "directory")
    assert parse_stat("stat: cannot statx '/x': No such file or directory") is None


def test_datadir_rules() -> None:
    ok = PathStat("postgres", "postgres", 0o700, "directory")
    assert datadir_problem("postgresql", ok, "postgres") is None
    assert datadir_problem("postgresql", PathStat("postgres", "postgres", 0o750, "directory"), "postgres") is None
    assert "0755" in (
        datadir_problem("postgresql", PathStat("postgres", "postgres", 0o755, "directory"), "postgres") or ""
    )
    assert "owned by root" in (datadir_problem("mysql", PathStat("root", "root", 0o700, "directory"), "mysql") or "")
    assert "every user" in (datadir_problem("mysql", PathStat("mysql", "mysql", 0o777, "directory"), "mysql") or "")
    assert datadir_problem("mysql", PathStat("mysql", "mysql", 0o755, "directory"), "mysql") is None
    assert "not a directory" in (
        datadir_problem("mysql", PathStat("mysql", "mysql", 0o700, "regular file"), None) or ""
    )


def test_restart_commands_quote_what_they_are_given() -> None:
    assert restart_command("mysql", 10, "mysql", "/d", "mariadb.service", []) == "systemctl restart mariadb.service"
    evil = "/data/x; rm -rf /"
    pg = restart_command("postgresql", 42, "postgres", evil, None, [])
    assert shlex.quote(evil) in pg and "/proc/42/exe" in pg
    my = restart_command("mysql", 7, "mysql", "/d", None, ["/usr/sbin/mariadbd", "--datadir=/a b", "$(reboot)"])
    assert "'--datadir=/a b'" in my and "'$(reboot)'" in my and my.startswith("kill -TERM 7 ")
