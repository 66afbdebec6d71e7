"""Dameng (DM8): its own protocol, an Oracle-like dialect (written from Dameng's documentation).

An Oracle-compatible mode of another product (KingbaseES, OceanBase Oracle mode) would be a module
like this one, registered in :func:`harness.db.dialects.dialect_of`.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from harness.db.dialects import try_query

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


DIALECT = DamengDialect()
