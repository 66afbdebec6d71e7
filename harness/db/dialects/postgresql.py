"""The PostgreSQL family (PostgreSQL, openGauss, KingbaseES, HighGo, Vastbase, GaussDB, PolarDB-PG)."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from harness.db.dialects import try_query
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


DIALECT = PostgresqlDialect()
