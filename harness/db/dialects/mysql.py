"""The MySQL family (MySQL, MariaDB, OceanBase MySQL mode and seekdb, TiDB, GoldenDB, PolarDB-X, GBase 8a)."""

from __future__ import annotations

import shlex
from typing import TYPE_CHECKING, Any

from harness.db.dialects import Ask, Run, try_query
from harness.db.identify_arch import normalize_arch

if TYPE_CHECKING:
    from harness.db.connection import DbConnection

#: settings asked where the server has them (OceanBase: ob_compatibility_mode in its Oracle-capable builds)
_SETTINGS = ("sql_mode", "ob_compatibility_mode")


class MysqlDialect:
    family = "mysql"
    one_sql = "SELECT 1"
    text_type = "LONGTEXT"
    blob_type = "LONGBLOB"
    char_length = "CHAR_LENGTH"
    octet_length = "LENGTH"
    encodings_sql: tuple[str, tuple[str, ...]] = (
        "SELECT @@character_set_server, @@character_set_database, @@character_set_client, "
        "@@character_set_connection, @@collation_database",
        ("server_encoding", "database_encoding", "client_encoding", "connection_encoding", "collation"),
    )
    timestamp_type = "DATETIME"
    analyze_sql: tuple[str, ...] = ()
    datadir_sql = "SELECT @@datadir"

    def varchar(self, n: int) -> str:
        return f"VARCHAR({int(n)})"

    def identify(self, conn: DbConnection) -> tuple[dict[str, str], dict[str, str]]:
        rows = conn.query("SELECT VERSION(), @@version_comment, @@version_compile_machine, @@version_compile_os")
        conn.rollback()
        text, comment, machine, os_name = (str(v) if v is not None else "" for v in rows[0])
        settings = {"version_comment": comment, "version_compile_machine": machine, "version_compile_os": os_name}
        for name in _SETTINGS:
            found = try_query(conn, f"SELECT @@{name}")
            if found:
                settings[name] = str(found[0][0])
        signals = {"db.version": text}
        if comment:
            signals["db.version_comment"] = comment
        if machine:
            signals["db.compile_machine"] = machine
        return signals, settings

    def banner_arch(self, signals: dict[str, str]) -> str | None:
        return normalize_arch(signals.get("db.compile_machine"))

    def version_detail(self, signals: dict[str, str], version: str | None) -> str | None:
        return version

    def compat_mode(self, product: str | None, settings: dict[str, str]) -> str | None:
        return settings.get("ob_compatibility_mode") or settings.get("sql_mode")

    def create_scratch(self, name: str) -> str:
        return f"CREATE DATABASE {name}"

    def use_scratch(self, name: str) -> str:
        return f"USE {name}"

    def drop_scratch(self, name: str) -> str:
        return f"DROP DATABASE IF EXISTS {name}"

    def scratch_exists(self, name: str) -> tuple[str, tuple[Any, ...]]:
        return "SELECT 1 FROM information_schema.schemata WHERE schema_name = %s", (name,)

    # --- SQL feature probes (harness/db/features.py) ---
    utc_text = "2024-02-29 15:30:00"
    recursive_with = "WITH RECURSIVE"
    dual = ""
    routine_kind = "procedure and function"

    def datetime_probe(self, c: DbConnection) -> tuple[tuple[Any, ...], Any]:
        c.execute("CREATE TABLE xc_dt (id INT PRIMARY KEY, d DATE, t TIME, ts DATETIME, tz TIMESTAMP NULL)")
        c.execute("SET time_zone = '+08:00'")
        c.execute(
            "INSERT INTO xc_dt VALUES (1, '2024-02-29', '23:59:59', '2024-02-29 23:30:00', '2024-02-29 23:30:00')"
        )
        c.commit()
        c.execute("SET time_zone = '+00:00'")
        row = c.query("SELECT CAST(d AS CHAR), CAST(t AS CHAR), CAST(ts AS CHAR), CAST(tz AS CHAR) FROM xc_dt")[0]
        return row, c.scalar("SELECT CAST(DATE_ADD(d, INTERVAL 1 DAY) AS CHAR) FROM xc_dt")

    def nulls_order_sql(self) -> tuple[str, str, bool]:
        return "SELECT v FROM xc_null ORDER BY v IS NULL, v", "SELECT v FROM xc_null ORDER BY v IS NOT NULL, v", True

    def read_committed_sql(self) -> tuple[str, ...]:
        return ("SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED", "SET SESSION innodb_lock_wait_timeout = 15")

    def generated_keys(self, c: DbConnection) -> tuple[Any, list[Any] | None]:
        c.execute("CREATE TABLE xc_seq (id BIGINT AUTO_INCREMENT PRIMARY KEY, v VARCHAR(10))")
        for v in "abc":
            c.execute(f"INSERT INTO xc_seq (v) VALUES ({c.ph()})", (v,))
        return c.scalar("SELECT LAST_INSERT_ID()"), None

    def json_probe(self, c: DbConnection, doc: str) -> tuple[Any, ...]:
        c.execute("CREATE TABLE xc_json (id INT PRIMARY KEY, doc JSON)")
        c.execute(f"INSERT INTO xc_json VALUES ({c.ph(2)})", (1, doc))
        return c.query(
            "SELECT JSON_UNQUOTE(JSON_EXTRACT(doc, '$.name')), JSON_UNQUOTE(JSON_EXTRACT(doc, '$.tags[1]')), "
            "CAST(JSON_EXTRACT(doc, '$.n.v') AS SIGNED) FROM xc_json"
        )[0]

    def upsert_sql(self, ph: str) -> str:
        return f"INSERT INTO xc_up VALUES ({ph}) ON DUPLICATE KEY UPDATE v = VALUES(v), n = n + 1"

    def routine_probe(self, c: DbConnection) -> Any:
        c.execute("CREATE PROCEDURE xc_put(IN a INT, IN b INT) BEGIN INSERT INTO xc_log VALUES (a + b); END")
        c.execute("CREATE FUNCTION xc_add(a INT, b INT) RETURNS INT DETERMINISTIC RETURN a + b")
        c.execute("CALL xc_put(20, 22)")
        return c.scalar("SELECT xc_add(20, 22)")

    # --- the service on its host ---
    smoke_tool: str | None = "sysbench"

    def server_pid(self, run: Run, ask: Ask) -> int | None:
        text = run(f"cat {shlex.quote(str(ask('SELECT @@pid_file')))}").text.strip()
        return int(text) if text.isdigit() else None

    def datadir_mode_problem(self, mode: int) -> str | None:
        return None

    def restart_command(self, pid: int, user: str, datadir: str) -> str | None:
        return None


DIALECT = MysqlDialect()
