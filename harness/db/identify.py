"""Which database product a server is, from its own answers (version query, settings).

Pure parsing: :func:`parse_version` turns the version string a server reports into product,
version and build architecture; :func:`identify_server` asks a live connection the questions
of its family and parses the answers. The product ids are the catalog's db ids.

    >>> parse_version("postgresql", "KingbaseES V008R006C006B0013PS003 on x86_64-pc-linux-gnu, compiled by gcc").product
    'kingbasees'
"""

from __future__ import annotations

import contextlib
import re
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from harness.db.connection import DbConnection


@dataclass(frozen=True)
class Product:
    id: str
    family: str
    name: str
    xinchuang: bool


#: every product the layer knows, by catalog id; the catalog (harness/catalog/db.yml) carries the sources
PRODUCTS = {
    p.id: p
    for p in (
        Product("postgresql", "postgresql", "PostgreSQL", False),
        Product("opengauss", "postgresql", "openGauss", True),
        Product("gaussdb", "postgresql", "Huawei GaussDB", True),
        Product("kingbasees", "postgresql", "KingbaseES", True),
        Product("highgo", "postgresql", "HighGo Database", True),
        Product("vastbase", "postgresql", "Vastbase G100", True),
        Product("gbase-8c", "postgresql", "GBase 8c", True),
        Product("polardb-pg", "postgresql", "PolarDB for PostgreSQL", True),
        Product("mysql", "mysql", "MySQL", False),
        Product("mariadb", "mysql", "MariaDB", False),
        Product("oceanbase", "mysql", "OceanBase (MySQL mode)", True),
        Product("tidb", "mysql", "TiDB", True),
        Product("goldendb", "mysql", "GoldenDB", True),
        Product("polardb-x", "mysql", "PolarDB-X", True),
        Product("gbase-8a", "mysql", "GBase 8a", True),
        Product("dm8", "dameng", "Dameng DM8", True),
    )
}

_ARCH_ALIASES = {
    "x86_64": "x86_64",
    "amd64": "x86_64",
    "x64": "x86_64",
    "aarch64": "aarch64",
    "arm64": "aarch64",
    "loongarch64": "loongarch64",
    "mips64el": "mips64",
    "mips64": "mips64",
    "sw_64": "sw_64",
    "riscv64": "riscv64",
    "i686": "i686",
    "i386": "i686",
}


def normalize_arch(text: str | None) -> str | None:
    """``amd64`` -> ``x86_64``, ``arm64`` -> ``aarch64``; None when not an architecture we know."""
    if not text:
        return None
    return _ARCH_ALIASES.get(text.strip().lower())


# PostgreSQL family: the order matters (openGauss derivatives name themselves inside the PG banner)
_PG_RULES: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("vastbase", re.compile(r"\bVastbase\s+G100\s+V?(?P<v>[\d.]+)", re.I)),
    ("gbase-8c", re.compile(r"\bGBase\s*8c\s*V?(?P<v>\d+(?:\s*S[\d.]+)?)", re.I)),
    ("gaussdb", re.compile(r"\bGaussDB\s+Kernel\s+(?P<v>V?[\w.]+)", re.I)),
    ("opengauss", re.compile(r"\bopenGauss\s+(?P<v>[\d.]+)", re.I)),
    ("kingbasees", re.compile(r"\bKingbaseES\s+(?P<v>V\d{3}R\d{3}\w*)", re.I)),
    ("highgo", re.compile(r"\bHighGo\s+Database\s+V?(?P<v>[\d.]+)", re.I)),
    ("polardb-pg", re.compile(r"\bPolarDB\b.*?(?P<v>\d+(?:\.\d+)+)", re.I)),
    ("postgresql", re.compile(r"^PostgreSQL\s+(?P<v>\d+(?:\.\d+)*\w*)", re.I)),
)
_MYSQL_RULES: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("oceanbase", re.compile(r"OceanBase(?:_CE)?-v?(?P<v>[\d.]+)", re.I)),
    ("tidb", re.compile(r"-TiDB-v?(?P<v>[\w.-]+)", re.I)),
    ("goldendb", re.compile(r"GoldenDB[-_ ]?v?(?P<v>[\w.]*)", re.I)),
    ("polardb-x", re.compile(r"(?:PolarDB-X|TDDL)[-_ ]?v?(?P<v>[\w.]*)", re.I)),
    ("mariadb", re.compile(r"^(?:5\.5\.5-)?(?P<v>\d+\.\d+\.\d+)-MariaDB", re.I)),
    ("gbase-8a", re.compile(r"^(?P<v>8\.6\.\d+[.-]R?\d+[\w.-]*)$", re.I)),
    ("mysql", re.compile(r"^(?P<v>\d+\.\d+\.\d+)", re.I)),
)
_DM_RULE = re.compile(r"DM\s+Database\s+Server\s+(?:x?64\s+)?V?(?P<v>\d[\w.]*)", re.I)
_PG_ARCH = re.compile(r"\bon\s+(?P<arch>[A-Za-z0-9_]+)-")
_DM_BUILD = re.compile(r"^\s*(?P<b>\d{8,}-\d{8}-\d+-\d+)\s*$", re.M)


@dataclass
class ServerIdentity:
    """What the server says it is."""

    family: str
    product: str | None = None
    name: str | None = None
    version: str | None = None
    arch: str | None = None
    compat_mode: str | None = None
    xinchuang: bool | None = None
    raw_version: str = ""
    settings: dict[str, str] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def parse_version(family: str, text: str, compile_machine: str | None = None) -> ServerIdentity:
    """Product, version and build architecture from a family's version string.

    ``compile_machine`` is MySQL's ``@@version_compile_machine`` (its version string has no arch).
    """
    text = (text or "").strip()
    ident = ServerIdentity(family=family, raw_version=text)
    rules = {"postgresql": _PG_RULES, "mysql": _MYSQL_RULES}.get(family, ())
    for pid, pattern in rules:
        m = pattern.search(text)
        if m:
            ident.product, ident.version = pid, (m.group("v") or "").strip() or None
            break
    if family == "dameng":
        m = _DM_RULE.search(text)
        if m:
            ident.product, ident.version = "dm8", m.group("v")
            build = _DM_BUILD.search(text)
            if build:
                ident.version = f"{ident.version} ({build.group('b')})"
    if family == "postgresql":
        m = _PG_ARCH.search(text)
        ident.arch = normalize_arch(m.group("arch")) if m else None
    elif compile_machine:
        ident.arch = normalize_arch(compile_machine)
    if ident.product:
        product = PRODUCTS[ident.product]
        ident.name, ident.xinchuang = product.name, product.xinchuang
    return ident


def _try(conn: DbConnection, sql: str) -> list[tuple[Any, ...]] | None:
    """A question a server of another product may not understand: None instead of an error."""
    try:
        rows = conn.query(sql)
    except Exception:
        with contextlib.suppress(Exception):
            conn.rollback()
        return None
    conn.rollback()
    return rows


def identify_server(conn: DbConnection) -> ServerIdentity:
    """Ask the server of ``conn`` what it is; raises the driver's error when even the version query fails."""
    family = conn.family
    settings: dict[str, str] = {}
    if family == "postgresql":
        text = str(conn.scalar("SELECT version()"))
        conn.rollback()
        ident = parse_version(family, text)
        for name in ("server_version", "server_encoding", "lc_collate", "database_mode", "sql_compatibility"):
            rows = _try(conn, f"SELECT current_setting('{name}')")
            if rows:
                settings[name] = str(rows[0][0])
        compat = _try(conn, "SELECT datcompatibility FROM pg_database WHERE datname = current_database()")
        if compat:
            settings["datcompatibility"] = str(compat[0][0])
        ident.compat_mode = (
            settings.get("database_mode") or settings.get("datcompatibility") or (settings.get("sql_compatibility"))
        )
        if ident.compat_mode is None and ident.product == "postgresql":
            ident.compat_mode = "postgresql"
    elif family == "mysql":
        rows = conn.query("SELECT VERSION(), @@version_comment, @@version_compile_machine, @@version_compile_os")
        conn.rollback()
        text, comment, machine, os_name = (str(v) if v is not None else "" for v in rows[0])
        ident = parse_version(family, text, machine)
        if ident.product == "mysql" and "mariadb" in comment.lower():
            ident = parse_version(family, f"{text}-MariaDB", machine)
        settings.update(version_comment=comment, version_compile_machine=machine, version_compile_os=os_name)
        for name in ("sql_mode", "ob_compatibility_mode"):
            rows_ = _try(conn, f"SELECT @@{name}")
            if rows_:
                settings[name] = str(rows_[0][0])
        ident.compat_mode = settings.get("ob_compatibility_mode") or settings.get("sql_mode")
    else:
        rows = conn.query("SELECT BANNER FROM V$VERSION")
        conn.rollback()
        text = "\n".join(str(r[0]) for r in rows)
        ident = parse_version(family, text)
        mode = _try(conn, "SELECT PARA_VALUE FROM V$DM_INI WHERE PARA_NAME = 'COMPATIBLE_MODE'")
        if mode:
            settings["COMPATIBLE_MODE"] = str(mode[0][0])
            ident.compat_mode = settings["COMPATIBLE_MODE"]
    ident.settings = settings
    return ident
