"""The MySQL family (MySQL, MariaDB, OceanBase MySQL mode and seekdb, TiDB, GoldenDB, PolarDB-X, GBase 8a)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from harness.db.dialects import try_query
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


DIALECT = MysqlDialect()
