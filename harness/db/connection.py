"""Database connections through the real drivers, every statement recorded as evidence.

Drivers are imported lazily by name, so importing the harness never pulls one in; a missing
driver raises :class:`DriverMissing` with the install hint (the check is then ``error``).

    log = SqlLog()
    with connect(target, log) as db:
        db.query("SELECT 1")
"""

from __future__ import annotations

import importlib
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from types import ModuleType
from typing import Any, Protocol

from harness.clock import utc_now_iso
from harness.db.targets import DbTarget

CONNECT_TIMEOUT_S = 10
#: seconds one statement may run before the server cancels it (set per session where the family can)
STATEMENT_TIMEOUT_S = 120

INSTALL_HINT = {
    "psycopg": "pip install 'psycopg[binary]>=3.1,<4' (or: pip install -e '.[db]')",
    "pymysql": "pip install 'PyMySQL>=1.1,<2' (or: pip install -e '.[db]')",
    "dmPython": "pip install 'dmPython>=2.5,<3' (or: pip install -e '.[dameng]')",
    "ksycopg2": "pip install 'ksycopg2>=2.9,<3' (or: pip install -e '.[kingbase]')",
}


class DriverMissing(RuntimeError):
    """The Python driver for a target is not installed."""

    def __init__(self, driver: str) -> None:
        self.driver = driver
        super().__init__(f"the {driver} driver is not installed: {INSTALL_HINT.get(driver, 'pip install ' + driver)}")


class DbUnavailable(RuntimeError):
    """The server could not be reached or refused us (wrong port, password, database...)."""


class DbConnectionLost(RuntimeError):
    """The connection died during a check (server gone, killed session, timeout)."""


def load_driver(name: str) -> ModuleType:
    try:
        return importlib.import_module(name)
    except ImportError as exc:
        raise DriverMissing(name) from exc


@dataclass
class SqlLog:
    """Every statement run on behalf of one check, in order (the check's SQL evidence).

    ``on_change`` is called after each statement is added (the pytest plugin writes the evidence).
    """

    statements: list[dict[str, Any]] = field(default_factory=list)
    on_change: Callable[[SqlLog], None] | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def add(self, conn: str, sql: str, params: Any, started: str, duration_s: float, **extra: Any) -> None:
        record: dict[str, Any] = {
            "connection": conn,
            "sql": sql.strip(),
            "started": started,
            "duration_s": round(duration_s, 6),
        }
        if params is not None:
            record["params"] = [_show(p) for p in params] if isinstance(params, Sequence) else _show(params)
        record.update(extra)
        with self._lock:
            self.statements.append(record)
        if self.on_change is not None:
            self.on_change(self)


def _show(value: Any) -> Any:
    if isinstance(value, bytes | bytearray | memoryview):
        data = bytes(value)
        return {"bytes": len(data), "head_hex": data[:16].hex()}
    if isinstance(value, str) and len(value) > 200:
        return value[:200] + f"... ({len(value)} characters)"
    return value if isinstance(value, int | float | bool | type(None)) else str(value)


class DbConnection:
    """One open connection; ``query``/``execute`` record each statement in the SqlLog.

    ``paramstyle`` is the driver's: ``%s`` for psycopg, ksycopg2 and PyMySQL, ``?`` for dmPython;
    SQL helpers in harness.db.dialect write placeholders through :meth:`ph`.
    """

    def __init__(self, raw: Any, target: DbTarget, driver: ModuleType, log: SqlLog, label: str) -> None:
        self.raw = raw
        self.target = target
        self.driver = driver
        self.log = log
        self.label = label
        self.family = target.family
        self.driver_name = driver.__name__
        self.closed = False

    def ph(self, n: int = 1) -> str:
        mark = "?" if self.driver_name == "dmPython" else "%s"
        return ", ".join([mark] * n)

    def _run(self, sql: str, params: Any, fetch: bool, many: bool = False) -> list[tuple[Any, ...]]:
        started, t0 = utc_now_iso(), time.monotonic()
        cur = self.raw.cursor()
        try:
            if many:
                cur.executemany(sql, params)
            elif params is None:
                cur.execute(sql)
            else:
                cur.execute(sql, params)
            rows = [tuple(r) for r in cur.fetchall()] if fetch and cur.description is not None else []
            rowcount = cur.rowcount
        except Exception as exc:
            self.log.add(
                self.label,
                sql,
                None if many else params,
                started,
                time.monotonic() - t0,
                error=f"{type(exc).__name__}: {str(exc).strip().splitlines()[0] if str(exc).strip() else ''}",
            )
            raise
        finally:
            with suppress(Exception):
                cur.close()
        self.log.add(
            self.label,
            sql,
            None if many else params,
            started,
            time.monotonic() - t0,
            rowcount=rowcount,
            rows=len(rows),
            sample=[[_show(v) for v in r] for r in rows[:5]],
        )
        return rows

    def query(self, sql: str, params: Any = None) -> list[tuple[Any, ...]]:
        """Run a statement and return its rows (empty when it returns none)."""
        return self._run(sql, params, fetch=True)

    def execute(self, sql: str, params: Any = None) -> None:
        self._run(sql, params, fetch=False)

    def executemany(self, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        self._run(sql, rows, fetch=False, many=True)

    def scalar(self, sql: str, params: Any = None) -> Any:
        rows = self.query(sql, params)
        return rows[0][0] if rows else None

    def commit(self) -> None:
        self._tx("COMMIT", self.raw.commit)

    def rollback(self) -> None:
        self._tx("ROLLBACK", self.raw.rollback)

    def _tx(self, name: str, action: Callable[[], Any]) -> None:
        started, t0 = utc_now_iso(), time.monotonic()
        try:
            action()
        finally:
            self.log.add(self.label, f"-- {name} (driver call)", None, started, time.monotonic() - t0)

    def close(self) -> None:
        if not self.closed:
            self.closed = True
            with suppress(Exception):
                self.raw.close()

    def __enter__(self) -> DbConnection:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _connect_raw(target: DbTarget, driver: ModuleType, host: str, port: int) -> Any:
    name = driver.__name__
    if name == "psycopg":
        return driver.connect(
            host=host,
            port=port,
            user=target.user,
            password=target.password or None,
            dbname=target.database or "postgres",
            connect_timeout=CONNECT_TIMEOUT_S,
            application_name="xcert",
            options=f"-c statement_timeout={STATEMENT_TIMEOUT_S * 1000}",
        )
    if name == "ksycopg2":
        conn = driver.connect(
            host=host,
            port=port,
            user=target.user,
            password=target.password or "",
            database=target.database or "postgres",
            connect_timeout=CONNECT_TIMEOUT_S,
        )
        conn.set_client_encoding("UTF8")
        return conn
    if name == "pymysql":
        return driver.connect(
            host=host,
            port=port,
            user=target.user,
            password=target.password or "",
            database=target.database or None,
            charset="utf8mb4",
            connect_timeout=CONNECT_TIMEOUT_S,
            read_timeout=STATEMENT_TIMEOUT_S,
            write_timeout=STATEMENT_TIMEOUT_S,
            autocommit=False,
        )
    if name == "dmPython":
        kwargs: dict[str, Any] = {
            "user": target.user,
            "password": target.password or "",
            "server": host,
            "port": port,
            "autoCommit": False,
        }
        if target.database:
            kwargs["schema"] = target.database
        return driver.connect(**kwargs)
    raise DriverMissing(name)


class DbConnect(Protocol):
    """The ``db_connect`` fixture: ``db_connect(label, driver_name=None)`` opens a further connection."""

    def __call__(self, label: str = "main", driver_name: str | None = None) -> DbConnection: ...


def connect(
    target: DbTarget,
    log: SqlLog,
    label: str = "main",
    driver_name: str | None = None,
    endpoint: tuple[str, int] | None = None,
) -> DbConnection:
    """Open a connection to ``target`` (through ``endpoint`` when tunnelled); raises DbUnavailable."""
    driver = load_driver(driver_name or target.driver_name)
    host, port = endpoint or (target.host, target.port)
    started, t0 = utc_now_iso(), time.monotonic()
    try:
        raw = _connect_raw(target, driver, host, port)
    except DriverMissing:
        raise
    except Exception as exc:
        reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        log.add(
            label, f"-- connect {driver.__name__} {host}:{port}", None, started, time.monotonic() - t0, error=reason
        )
        raise DbUnavailable(
            f"cannot connect to {target.family} at {target.host}:{target.port} as {target.user} "
            f"({driver.__name__}): {reason}"
        ) from exc
    log.add(label, f"-- connect {driver.__name__} {host}:{port} as {target.user}", None, started, time.monotonic() - t0)
    return DbConnection(raw, target, driver, log, label)


@contextmanager
def opened(target: DbTarget, log: SqlLog, **kw: Any) -> Iterator[DbConnection]:
    conn = connect(target, log, **kw)
    try:
        yield conn
    finally:
        conn.close()
