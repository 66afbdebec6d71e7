"""A scratch schema per check: created before, dropped after, whatever happened in between.

PostgreSQL family: a schema (search_path set to it); MySQL family: a database (USE'd);
Dameng: a schema (SET SCHEMA). Names are random, so runs never collide.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from harness.db.connection import DbConnection, SqlLog, connect
from harness.db.dialects import dialect_of
from harness.db.targets import DbTarget

#: driver error codes (PyMySQL) that mean the connection itself is gone
_MYSQL_LOST = {2006, 2013, 2014, 2055}


def is_connection_lost(conn: DbConnection, exc: BaseException) -> bool:
    """True when ``exc`` says the connection is gone (not that the SQL was refused)."""
    raw = conn.raw
    if conn.driver_name == "psycopg":
        return bool(getattr(raw, "broken", False) or getattr(raw, "closed", False))
    if conn.driver_name == "ksycopg2":
        return bool(getattr(raw, "closed", 0))
    if conn.driver_name == "pymysql":
        code = exc.args[0] if exc.args and isinstance(exc.args[0], int) else None
        return code in _MYSQL_LOST or not getattr(raw, "open", True)
    return type(exc).__name__ in {"InterfaceError", "OperationalError"} and "connect" in str(exc).lower()


def new_name() -> str:
    return f"xc_scratch_{secrets.token_hex(4)}"


def create(conn: DbConnection, name: str) -> None:
    conn.execute(dialect_of(conn).create_scratch(name))
    conn.commit()
    use(conn, name)


def use(conn: DbConnection, name: str) -> None:
    """Point an open connection at the scratch schema."""
    conn.execute(dialect_of(conn).use_scratch(name))
    conn.commit()


def drop(conn: DbConnection, name: str) -> None:
    conn.execute(dialect_of(conn).drop_scratch(name))
    conn.commit()


def exists(conn: DbConnection, name: str) -> bool:
    sql, params = dialect_of(conn).scratch_exists(name)
    return bool(conn.query(sql, params))


class Scratch:
    """The scratch schema of one check and the connections opened into it."""

    def __init__(self, target: DbTarget, log: SqlLog, opener: Callable[[str], DbConnection]) -> None:
        self.target = target
        self.log = log
        self.name = new_name()
        self._opener = opener
        self.conns: list[DbConnection] = []
        self.conn = self.open("main")
        try:
            create(self.conn, self.name)
        except BaseException:
            self.conn.close()
            raise

    @property
    def family(self) -> str:
        return self.target.family

    def open(self, label: str) -> DbConnection:
        """Another connection (for isolation and concurrency), already in the scratch schema."""
        conn = self._opener(label)
        self.conns.append(conn)
        if self.conns[0] is not conn:
            use(conn, self.name)
        return conn

    def close(self) -> None:
        """Close every connection, then drop the schema over a fresh one (the old ones may be dead)."""
        for conn in self.conns:
            conn.close()
        cleaner = self._opener("cleanup")
        try:
            drop(cleaner, self.name)
        finally:
            cleaner.close()


@contextmanager
def scratch(target: DbTarget, log: SqlLog, endpoint: tuple[str, int] | None = None) -> Iterator[Scratch]:
    """A scratch schema that is dropped even when the check fails or its connection dies."""

    def opener(label: str) -> DbConnection:
        return connect(target, log, label=label, endpoint=endpoint)

    box = Scratch(target, log, opener)
    try:
        yield box
    finally:
        box.close()
