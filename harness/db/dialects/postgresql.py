"""The PostgreSQL family (PostgreSQL, openGauss, KingbaseES, HighGo, Vastbase, GaussDB, PolarDB-PG)."""

from __future__ import annotations

import re
import shlex
from typing import TYPE_CHECKING, Any

from harness.db.dialects import Ask, Run, try_query
from harness.db.identify_arch import normalize_arch

if TYPE_CHECKING:
    from harness.db.connection import DbConnection

_ARCH = re.compile(r"\bon\s+(?P<arch>[A-Za-z0-9_]+)-")
_SETTINGS = ("server_version", "server_encoding", "lc_collate", "database_mode", "sql_compatibility")


class PostgresqlDialect:
    family = "postgresql"
    one_sql = "SELECT 1"
    text_type = "TEXT"
    blob_type = "BYTEA"
    char_length = "CHAR_LENGTH"
    octet_length = "OCTET_LENGTH"
    encodings_sql: tuple[str, tuple[str, ...]] = (
        "SELECT current_setting('server_encoding'), current_setting('client_encoding'), "
        "datcollate, datctype FROM pg_database WHERE datname = current_database()",
        ("server_encoding", "client_encoding", "collation", "ctype"),
    )
    timestamp_type = "TIMESTAMP"
    #: run after bulk loading (planner statistics)
    analyze_sql: tuple[str, ...] = ("ANALYZE xc_branches", "ANALYZE xc_tellers", "ANALYZE xc_accounts")
    datadir_sql = "SELECT current_setting('data_directory')"

    def varchar(self, n: int) -> str:
        return f"VARCHAR({int(n)})"

    def identify(self, conn: DbConnection) -> tuple[dict[str, str], dict[str, str]]:
        text = str(conn.scalar("SELECT version()"))
        conn.rollback()
        settings: dict[str, str] = {}
        for name in _SETTINGS:
            rows = try_query(conn, f"SELECT current_setting('{name}')")
            if rows:
                settings[name] = str(rows[0][0])
        compat = try_query(conn, "SELECT datcompatibility FROM pg_database WHERE datname = current_database()")
        if compat:
            settings["datcompatibility"] = str(compat[0][0])
        return {"db.version": text}, settings

    def banner_arch(self, signals: dict[str, str]) -> str | None:
        m = _ARCH.search(signals.get("db.version", ""))
        return normalize_arch(m.group("arch")) if m else None

    def version_detail(self, signals: dict[str, str], version: str | None) -> str | None:
        return version

    def compat_mode(self, product: str | None, settings: dict[str, str]) -> str | None:
        mode = settings.get("database_mode") or settings.get("datcompatibility") or settings.get("sql_compatibility")
        if mode is None and product == "postgresql":
            return "postgresql"
        return mode

    def create_scratch(self, name: str) -> str:
        return f"CREATE SCHEMA {name}"

    def use_scratch(self, name: str) -> str:
        return f"SET search_path TO {name}"

    def drop_scratch(self, name: str) -> str:
        return f"DROP SCHEMA IF EXISTS {name} CASCADE"

    def scratch_exists(self, name: str) -> tuple[str, tuple[Any, ...]]:
        return "SELECT 1 FROM pg_namespace WHERE nspname = %s", (name,)

    # --- SQL feature probes (harness/db/features.py) ---
    utc_text = "2024-02-29 15:30:00+00"
    recursive_with = "WITH RECURSIVE"
    dual = ""
    routine_kind = "function"

    def datetime_probe(self, c: DbConnection) -> tuple[tuple[Any, ...], Any]:
        c.execute("CREATE TABLE xc_dt (id INT PRIMARY KEY, d DATE, t TIME, ts TIMESTAMP, tz TIMESTAMPTZ)")
        c.execute("SET TIME ZONE 'Asia/Shanghai'")
        c.execute(
            "INSERT INTO xc_dt VALUES (1, DATE '2024-02-29', TIME '23:59:59', "
            "TIMESTAMP '2024-02-29 23:30:00', TIMESTAMPTZ '2024-02-29 23:30:00')"
        )
        c.commit()
        c.execute("SET TIME ZONE 'UTC'")
        row = c.query("SELECT CAST(d AS TEXT), CAST(t AS TEXT), CAST(ts AS TEXT), CAST(tz AS TEXT) FROM xc_dt")[0]
        return row, c.scalar("SELECT CAST(d + 1 AS TEXT) FROM xc_dt")

    def nulls_order_sql(self) -> tuple[str, str, bool]:
        """(NULLs-last query, NULLs-first query, whether NULLS FIRST/LAST syntax is to be probed)"""
        return "SELECT v FROM xc_null ORDER BY v NULLS LAST", "SELECT v FROM xc_null ORDER BY v NULLS FIRST", False

    def read_committed_sql(self) -> tuple[str, ...]:
        return (
            "SET SESSION CHARACTERISTICS AS TRANSACTION ISOLATION LEVEL READ COMMITTED",
            "SET lock_timeout = '15s'",
        )

    def generated_keys(self, c: DbConnection) -> tuple[Any, list[Any] | None]:
        """Insert three rows with generated keys into xc_seq; (the last key read back, a 10-by-5 sequence's two
        first values or None where the family has no sequences)."""
        c.execute("CREATE SEQUENCE xc_s START WITH 10 INCREMENT BY 5")
        c.execute("CREATE TABLE xc_seq (id BIGSERIAL PRIMARY KEY, v VARCHAR(10))")
        for v in "abc":
            c.execute(f"INSERT INTO xc_seq (v) VALUES ({c.ph()})", (v,))
        last = c.scalar("SELECT currval(pg_get_serial_sequence('xc_seq', 'id'))")
        return last, [c.scalar("SELECT nextval('xc_s')") for _ in range(2)]

    def json_probe(self, c: DbConnection, doc: str) -> tuple[Any, ...]:
        c.execute("CREATE TABLE xc_json (id INT PRIMARY KEY, doc JSONB)")
        c.execute(f"INSERT INTO xc_json VALUES ({c.ph()}, CAST({c.ph()} AS JSONB))", (1, doc))
        return c.query("SELECT doc ->> 'name', doc -> 'tags' ->> 1, CAST(doc #>> '{n,v}' AS INT) FROM xc_json")[0]

    def upsert_sql(self, ph: str) -> str:
        return f"INSERT INTO xc_up VALUES ({ph}) ON CONFLICT (id) DO UPDATE SET v = EXCLUDED.v, n = xc_up.n + 1"

    def routine_probe(self, c: DbConnection) -> Any:
        c.execute(
            "CREATE FUNCTION xc_add(a INT, b INT) RETURNS INT LANGUAGE plpgsql AS "
            "$$ BEGIN INSERT INTO xc_log VALUES (a + b); RETURN a + b; END $$"
        )
        return c.scalar("SELECT xc_add(20, 22)")

    # --- the service on its host ---
    smoke_tool: str | None = "pgbench"

    def server_pid(self, run: Run, ask: Ask) -> int | None:
        # the postmaster is the parent of this connection's backend
        parent = run(f"ps -o ppid= -p {int(str(ask('SELECT pg_backend_pid()')))}").text.strip()
        return int(parent) if parent.isdigit() else None

    def datadir_mode_problem(self, mode: int) -> str | None:
        if mode & 0o077 not in (0, 0o050, 0o040):
            return f"mode {mode:04o}: PostgreSQL requires 0700 or 0750"
        return None

    def restart_command(self, pid: int, user: str, datadir: str) -> str | None:
        ctl = f'$(dirname "$(readlink /proc/{int(pid)}/exe)")/pg_ctl'
        log = f"/tmp/xcert-pg-restart-{int(pid)}.log"
        inner = f"{ctl} restart -D {shlex.quote(datadir)} -m fast -w -t 60 -l {log}"
        return (
            f'if [ "$(id -un)" = {shlex.quote(user)} ]; then {inner}; '
            f"else runuser -u {shlex.quote(user)} -- sh -c {shlex.quote(inner)}; fi"
        )


DIALECT = PostgresqlDialect()
