"""Dameng (DM8): its own protocol, an Oracle-like dialect (written from Dameng's documentation).

An Oracle-compatible mode of another product (KingbaseES, OceanBase Oracle mode) would be a module
like this one, registered in :func:`harness.db.dialects.dialect_of`.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from harness.db.dialects import Ask, Run, try_query

if TYPE_CHECKING:
    from harness.db.connection import DbConnection

_BUILD = re.compile(r"^\s*(?P<b>\d{8,}-\d{8}-\d+-\d+)\s*$", re.M)


class DamengDialect:
    family = "dameng"
    one_sql = "SELECT 1 FROM DUAL"
    text_type = "CLOB"
    blob_type = "BLOB"
    char_length = "LENGTH"
    octet_length = "LENGTHB"
    encodings_sql: tuple[str, tuple[str, ...]] = (
        "SELECT UNICODE(), SF_GET_CASE_SENSITIVE_FLAG() FROM DUAL",
        ("unicode_flag", "case_sensitive"),
    )
    timestamp_type = "TIMESTAMP"
    analyze_sql: tuple[str, ...] = ()
    datadir_sql = "SELECT PARA_VALUE FROM V$DM_INI WHERE PARA_NAME = 'SYSTEM_PATH'"

    def varchar(self, n: int) -> str:
        return f"VARCHAR({int(n)} CHAR)"

    def identify(self, conn: DbConnection) -> tuple[dict[str, str], dict[str, str]]:
        rows = conn.query("SELECT BANNER FROM V$VERSION")
        conn.rollback()
        settings: dict[str, str] = {}
        mode = try_query(conn, "SELECT PARA_VALUE FROM V$DM_INI WHERE PARA_NAME = 'COMPATIBLE_MODE'")
        if mode:
            settings["COMPATIBLE_MODE"] = str(mode[0][0])
        return {"db.version": "\n".join(str(r[0]) for r in rows)}, settings

    def banner_arch(self, signals: dict[str, str]) -> str | None:
        return None  # V$VERSION names no architecture: XC-DB-003 reads the server binary

    def version_detail(self, signals: dict[str, str], version: str | None) -> str | None:
        build = _BUILD.search(signals.get("db.version", ""))
        return f"{version} ({build.group('b')})" if version and build else version

    def compat_mode(self, product: str | None, settings: dict[str, str]) -> str | None:
        return settings.get("COMPATIBLE_MODE")

    def create_scratch(self, name: str) -> str:
        return f"CREATE SCHEMA {name}"

    def use_scratch(self, name: str) -> str:
        return f"SET SCHEMA {name}"

    def drop_scratch(self, name: str) -> str:
        return f"DROP SCHEMA {name} CASCADE"

    def scratch_exists(self, name: str) -> tuple[str, tuple[Any, ...]]:
        return "SELECT 1 FROM SYSOBJECTS WHERE TYPE$ = 'SCH' AND NAME = ?", (name.upper(),)

    # --- SQL feature probes (harness/db/features.py) ---
    utc_text = "2024-02-29 15:30:00"
    recursive_with = "WITH"
    dual = " FROM DUAL"
    routine_kind = "function"

    def datetime_probe(self, c: DbConnection) -> tuple[tuple[Any, ...], Any]:
        c.execute("CREATE TABLE xc_dt (id INT PRIMARY KEY, d DATE, t TIME, ts TIMESTAMP, tz TIMESTAMP WITH TIME ZONE)")
        c.execute(
            "INSERT INTO xc_dt VALUES (1, DATE '2024-02-29', TIME '23:59:59', "
            "TIMESTAMP '2024-02-29 23:30:00', TIMESTAMP '2024-02-29 23:30:00 +08:00')"
        )
        c.commit()
        row = c.query(
            "SELECT TO_CHAR(d, 'YYYY-MM-DD'), TO_CHAR(t, 'HH24:MI:SS'), TO_CHAR(ts, 'YYYY-MM-DD HH24:MI:SS'), "
            "TO_CHAR(SYS_EXTRACT_UTC(tz), 'YYYY-MM-DD HH24:MI:SS') FROM xc_dt"
        )[0]
        return row, c.scalar("SELECT TO_CHAR(d + 1, 'YYYY-MM-DD') FROM xc_dt")

    def nulls_order_sql(self) -> tuple[str, str, bool]:
        return "SELECT v FROM xc_null ORDER BY v NULLS LAST", "SELECT v FROM xc_null ORDER BY v NULLS FIRST", False

    def read_committed_sql(self) -> tuple[str, ...]:
        return ("SET TRANSACTION ISOLATION LEVEL READ COMMITTED",)

    def generated_keys(self, c: DbConnection) -> tuple[Any, list[Any] | None]:
        c.execute("CREATE SEQUENCE xc_s START WITH 10 INCREMENT BY 5")
        c.execute("CREATE TABLE xc_seq (id BIGINT IDENTITY(1, 1) PRIMARY KEY, v VARCHAR(10))")
        for v in "abc":
            c.execute(f"INSERT INTO xc_seq (v) VALUES ({c.ph()})", (v,))
        last = c.scalar("SELECT MAX(id) FROM xc_seq")
        return last, [c.scalar("SELECT xc_s.NEXTVAL FROM DUAL") for _ in range(2)]

    def json_probe(self, c: DbConnection, doc: str) -> tuple[Any, ...]:
        c.execute("CREATE TABLE xc_json (id INT PRIMARY KEY, doc CLOB CHECK (doc IS JSON))")
        c.execute(f"INSERT INTO xc_json VALUES ({c.ph(2)})", (1, doc))
        return c.query(
            "SELECT JSON_VALUE(doc, '$.name'), JSON_VALUE(doc, '$.tags[1]'), "
            "CAST(JSON_VALUE(doc, '$.n.v') AS INT) FROM xc_json"
        )[0]

    def upsert_sql(self, ph: str) -> str:
        p = ph.split(", ")[0]
        return (
            f"MERGE INTO xc_up t USING (SELECT {p} AS id, {p} AS v, {p} AS n FROM DUAL) s ON (t.id = s.id) "
            "WHEN MATCHED THEN UPDATE SET t.v = s.v, t.n = t.n + 1 WHEN NOT MATCHED THEN INSERT VALUES (s.id, s.v, s.n)"
        )

    def routine_probe(self, c: DbConnection) -> Any:
        c.execute(
            "CREATE OR REPLACE FUNCTION xc_add(a INT, b INT) RETURN INT AS BEGIN "
            "INSERT INTO xc_log VALUES (a + b); RETURN a + b; END;"
        )
        return c.scalar("SELECT xc_add(20, 22) FROM DUAL")

    # --- the service on its host ---
    smoke_tool: str | None = None  # no reference tool: the Python clients measure it

    def server_pid(self, run: Run, ask: Ask) -> int | None:
        return None

    def datadir_mode_problem(self, mode: int) -> str | None:
        if mode & 0o007:
            return f"mode {mode:04o} lets other users in"
        return None

    def restart_command(self, pid: int, user: str, datadir: str) -> str | None:
        return None


DIALECT = DamengDialect()
