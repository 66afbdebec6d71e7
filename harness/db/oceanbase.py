"""OceanBase-specific facts (MySQL-mode servers: OceanBase CE/EE tenants and seekdb) and the decisions on them.

:func:`read_facts` asks the server (each question may be unknown to a build: ``None`` then);
the ``decide_*`` functions are pure, so captured answers test both paths. Measured on seekdb
1.4.0.0 (OceanBase 4.3.5.3, shared/LAB-NOTES.md): no ``ob_compatibility_mode`` (MySQL mode only),
no tenant views, character sets ``binary`` and ``utf8mb4`` only, no ``CREATE SEQUENCE``,
READ-COMMITTED, ``lower_case_table_names=1``, time zone +08:00.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from harness.db.dialects import try_query

if TYPE_CHECKING:
    from harness.db.connection import DbConnection

#: resource parameters read with SHOW PARAMETERS (recorded, never judged: no source gives a number)
RESOURCE_PARAMETERS = (
    "cpu_count",
    "memory_limit",
    "memory_budget",
    "system_memory",
    "log_disk_size",
    "datafile_size",
    "datafile_maxsize",
)
#: character sets Chinese data needs beside UTF-8 (GB 18030-2022 is a mandatory national standard)
CHINESE_CHARSETS = ("gb18030", "gbk")
#: what applications migrating from MySQL or Oracle assume (vendor documentation of each default)
MYSQL_EXPECTS = {"transaction_isolation": "REPEATABLE-READ", "lower_case_table_names": "0", "time_zone": "SYSTEM"}
ORACLE_EXPECTS = {"transaction_isolation": "READ-COMMITTED"}


@dataclass
class ObFacts:
    compat_mode: str | None = None  # MYSQL / ORACLE, from ob_compatibility_mode; None: the variable does not exist
    tenants: list[dict[str, str]] = field(default_factory=list)
    tenant_view: bool = False
    parameters: dict[str, str] = field(default_factory=dict)
    charsets: list[str] = field(default_factory=list)
    settings: dict[str, str] = field(default_factory=dict)


def _one(conn: DbConnection, sql: str) -> str | None:
    rows = try_query(conn, sql)
    return None if not rows or rows[0][0] is None else str(rows[0][0])


def read_facts(conn: DbConnection) -> ObFacts:
    facts = ObFacts(compat_mode=_one(conn, "SELECT @@ob_compatibility_mode"))
    tenants = try_query(conn, "SELECT TENANT_NAME, TENANT_TYPE, COMPATIBILITY_MODE FROM oceanbase.DBA_OB_TENANTS")
    if tenants is not None:
        facts.tenant_view = True
        facts.tenants = [{"name": str(t[0]), "type": str(t[1]), "mode": str(t[2])} for t in tenants]
    for name in RESOURCE_PARAMETERS:
        rows = try_query(conn, f"SHOW PARAMETERS LIKE '{name}'")
        if rows:
            # columns: zone, svr_type|name, ... in OceanBase 4: (svr_type, name, data_type, value, ...) for seekdb
            row = rows[0]
            idx = next((i for i, v in enumerate(row) if str(v) == name), None)
            if idx is not None and idx + 2 < len(row):
                facts.parameters[name] = str(row[idx + 2])
    charsets = try_query(conn, "SELECT CHARACTER_SET_NAME FROM information_schema.CHARACTER_SETS")
    facts.charsets = sorted(str(r[0]).lower() for r in charsets or ())
    for name in ("lower_case_table_names", "transaction_isolation", "time_zone", "system_time_zone"):
        value = _one(conn, f"SELECT @@{name}")
        if value is not None:
            facts.settings[name] = value
    return facts


def server_mode(facts: ObFacts) -> str:
    """``mysql`` or ``oracle``: ob_compatibility_mode where the server has it; without it the server is
    MySQL mode only (seekdb has no Oracle mode)."""
    return (facts.compat_mode or "MYSQL").strip().lower()


def decide_compat(facts: ObFacts, declared: str | None) -> tuple[bool, str]:
    """(holds, what the server is) for XC-DB-060."""
    mode = server_mode(facts)
    return declared is None or declared == mode, mode


def decide_charsets(facts: ObFacts) -> tuple[bool, list[str]]:
    """(GB18030 available, the Chinese character sets the server lacks) for XC-DB-062."""
    missing = [c for c in CHINESE_CHARSETS if c not in facts.charsets]
    return "gb18030" not in missing, missing


def migration_gaps(facts: ObFacts) -> dict[str, str]:
    """Where the server's defaults differ from what MySQL and Oracle applications assume (XC-DB-063)."""
    gaps = {}
    s = facts.settings
    for key, want in MYSQL_EXPECTS.items():
        have = s.get(key)
        if have is not None and have.upper() != want:
            gaps[f"mysql:{key}"] = f"{have} (MySQL: {want})"
    for key, want in ORACLE_EXPECTS.items():
        have = s.get(key)
        if have is not None and have.upper() != want:
            gaps[f"oracle:{key}"] = f"{have} (Oracle: {want})"
    return gaps


def sequences_supported(conn: DbConnection, schema: str) -> tuple[bool, str]:
    """CREATE SEQUENCE and NEXTVAL (OceanBase MySQL mode's Oracle-style sequences) on the scratch schema."""
    try:
        conn.execute(f"CREATE SEQUENCE {schema}.xc_ob_seq START WITH 10 INCREMENT BY 5")
        value = conn.scalar(f"SELECT {schema}.xc_ob_seq.NEXTVAL FROM DUAL")
        conn.rollback()
    except conn.driver.Error as exc:
        conn.rollback()
        return False, f"{type(exc).__name__}: {str(exc).strip()[:160]}"
    return int(str(value)) == 10, f"NEXTVAL gave {value}"


_SUFFIX = {"": 1, "B": 1, "K": 1 << 10, "M": 1 << 20, "G": 1 << 30, "T": 1 << 40}


def parameter_value(name: str, text: str) -> int | None:
    """A parameter as a number: cpu_count as is, capacities (``2G``, ``32M``) in bytes; None when not a number."""
    t = text.strip().upper()
    if name == "cpu_count":
        return int(t) if t.isdigit() else None
    num, unit = t.rstrip("BKMGT"), t[len(t.rstrip("BKMGT")) :].rstrip("B") or ""
    try:
        return int(float(num) * _SUFFIX[unit])
    except (ValueError, KeyError):
        return None


def describe(values: dict[str, Any]) -> str:
    return ", ".join(f"{k}={v}" for k, v in sorted(values.items())) or "-"
