"""A database service seen through the db layer: its SQL round trip, its committed rows, its load.

``Databases`` holds the host's database targets for one check (a tunnelled one reached through the host's
SSH connection, opened once). ``answers(name)`` is the service's SQL probe. ``Ledger`` is a scratch table
of committed rows: a row is written before each forced kill and every row is read back after the recovery.
``SqlLoad`` is the database smoke as a workload: a thread committing small transactions until stopped,
reconnecting while the server is down, bounded in time and count.
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Mapping, Sequence
from typing import Any

from harness.db import scratch
from harness.db.connection import DbConnection, SqlLog, connect
from harness.db.targets import DbTarget
from harness.db.tunnel import LocalForward, ssh_transport_of

TABLE = "xc_kill9"
LOAD_TABLE = "xc_kill9_load"
#: at most this many transactions per load, whatever its length
MAX_LOAD_TX = 200_000
RETRY_S = 0.2


class Databases:
    """The database targets of one host for one check; ``close()`` closes the tunnels."""

    def __init__(self, targets: Sequence[Mapping[str, Any]], transport: Any) -> None:
        self._targets = {str(t["name"]): DbTarget.from_mapping(t) for t in targets}
        self._transport = transport
        self._forwards: dict[str, LocalForward] = {}
        self.quiet = SqlLog()  # probes: not evidence (they poll)

    def target(self, name: str) -> DbTarget:
        return self._targets[name]

    def endpoint(self, name: str) -> tuple[str, int] | None:
        t = self._targets[name]
        if not t.tunnel or (self._transport is not None and getattr(self._transport, "is_local", False)):
            return None
        if name not in self._forwards:
            ssh = ssh_transport_of(self._transport)
            if ssh is None:
                raise RuntimeError(f"tunnel: true needs an SSH connection to the host of {name}; it has none")
            self._forwards[name] = LocalForward(ssh, t.host, t.port)
        return self._forwards[name].endpoint

    def open(self, name: str, log: SqlLog, label: str) -> DbConnection:
        return connect(self._targets[name], log, label=label, endpoint=self.endpoint(name))

    def answers(self, name: str) -> bool:
        """A SQL round trip (SELECT 1) over a new connection."""
        try:
            conn = self.open(name, self.quiet, "probe")
        except Exception:
            return False
        try:
            return bool(conn.scalar("SELECT 1") == 1)
        except Exception:
            return False
        finally:
            with contextlib.suppress(Exception):
                conn.close()
            self.quiet.statements.clear()

    def close(self) -> None:
        for forward in self._forwards.values():
            forward.close()
        self._forwards.clear()


class Ledger:
    """Committed rows in a scratch schema of one database, written and read over new connections."""

    def __init__(self, dbs: Databases, name: str, log: SqlLog) -> None:
        self.dbs, self.db, self.log = dbs, name, log
        self.schema = scratch.new_name()
        self.written: list[int] = []
        conn = dbs.open(name, log, "ledger")
        try:
            scratch.create(conn, self.schema)
            conn.execute(f"CREATE TABLE {TABLE} (id INT PRIMARY KEY, v VARCHAR(40))")
            conn.execute(f"CREATE TABLE {LOAD_TABLE} (id INT PRIMARY KEY, v VARCHAR(40))")
            conn.commit()
        finally:
            conn.close()

    def _in_schema(self, label: str) -> DbConnection:
        conn = self.dbs.open(self.db, self.log, label)
        scratch.use(conn, self.schema)
        return conn

    def write(self, row: int) -> None:
        conn = self._in_schema(f"write-{row}")
        try:
            conn.execute(f"INSERT INTO {TABLE} VALUES ({conn.ph(2)})", (row, f"committed before kill {row}"))
            conn.commit()
        finally:
            conn.close()
        self.written.append(row)

    def read(self) -> list[int]:
        conn = self._in_schema("read")
        try:
            rows = sorted(int(r[0]) for r in conn.query(f"SELECT id FROM {TABLE}"))
            conn.rollback()
            return rows
        finally:
            conn.close()

    def missing(self) -> list[int]:
        found = set(self.read())
        return [r for r in self.written if r not in found]

    def close(self) -> None:
        with contextlib.suppress(Exception):
            conn = self.dbs.open(self.db, self.log, "cleanup")
            try:
                scratch.drop(conn, self.schema)
            finally:
                conn.close()


class SqlLoad:
    """Small committed transactions into the ledger's load table until ``stop()`` or ``seconds`` pass."""

    def __init__(self, ledger: Ledger, seconds: float) -> None:
        self.ledger = ledger
        self.deadline = time.monotonic() + seconds
        self.committed = 0
        self.failed = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="xcert-sql-load", daemon=True)
        self._log = SqlLog()
        self._thread.start()

    def _loop(self) -> None:
        conn: DbConnection | None = None
        n = 0
        while not self._stop.is_set() and time.monotonic() < self.deadline and n < MAX_LOAD_TX:
            try:
                if conn is None:
                    conn = self.ledger.dbs.open(self.ledger.db, self._log, "load")
                    scratch.use(conn, self.ledger.schema)
                n += 1
                conn.execute(f"INSERT INTO {LOAD_TABLE} VALUES ({conn.ph(2)})", (n, "load"))
                conn.commit()
                self.committed += 1
            except Exception:
                self.failed += 1
                if conn is not None:
                    with contextlib.suppress(Exception):
                        conn.close()
                conn = None
                self._stop.wait(RETRY_S)
            finally:
                self._log.statements.clear()
        if conn is not None:
            with contextlib.suppress(Exception):
                conn.close()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=30)
