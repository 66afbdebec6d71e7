"""Fixtures for database checks (the db layer's plugin in harness.layers, loaded with the harness's).

A check asks for ``db_target`` (the host's declared database; not_applicable when there is
none), ``db_scratch`` (a connection in a scratch schema that is always dropped), ``db_connect``
(a factory of further connections) or ``db_identity`` (what the server says it is). Every SQL
statement any of them runs is written to one evidence document per check and linked to it.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from harness.checks import N_, CheckContext
from harness.db.connection import DbConnect, DbConnection, SqlLog, connect
from harness.db.identify import ServerIdentity, identify_server
from harness.db.scratch import Scratch
from harness.db.targets import DbTarget
from harness.db.tunnel import LocalForward, ssh_transport_of
from harness.pytest_plugin import HostRun, current_run
from harness.session import HostSession


def _run(request: pytest.FixtureRequest) -> HostRun:
    run = current_run(request)
    if run is None:
        pytest.skip("not an xcert run (use: xcert certify)")
    return run


def host_targets(run: HostRun) -> list[DbTarget]:
    return [DbTarget.from_mapping(t) for t in run.spec.db_targets]


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """A host with several databases: each DB check runs once per target, the target's name its subject."""
    if "db_target" not in metafunc.fixturenames:
        return
    run = current_run(metafunc.config)
    names = [t.name for t in host_targets(run)] if run is not None else []
    if len(names) > 1:
        metafunc.parametrize("db_target", names, indirect=True, ids=names)


@pytest.fixture
def db_target(request: pytest.FixtureRequest, xc: CheckContext) -> DbTarget:
    """The database this check looks at: the host's only target, or this item's (see pytest_generate_tests)."""
    targets = host_targets(_run(request))
    if not targets:
        xc.not_applicable(N_("No database target is declared for this host (xc_db_targets)"))
    wanted = getattr(request, "param", None)
    return next((t for t in targets if t.name == wanted), targets[0])


@pytest.fixture
def db_profile(request: pytest.FixtureRequest) -> str:
    return _run(request).profile


class _Evidence:
    """One evidence document per check holding its SQL log, rewritten as statements arrive."""

    def __init__(self, session: HostSession, xc: CheckContext, target: DbTarget) -> None:
        self.session = session
        self.xc = xc
        self.target = target
        self.ref: str | None = None
        self.extra: dict[str, Any] = {}
        self._lock = threading.Lock()  # statements also arrive from a check's helper threads

    def payload(self, log: SqlLog) -> dict[str, Any]:
        return {"kind": "sql", "target": self.target.public(), "statements": list(log.statements), **self.extra}

    def write(self, log: SqlLog) -> None:
        with self._lock:
            self._write(log)

    def _write(self, log: SqlLog) -> None:
        if self.ref is None:
            self.ref = self.session.evidence.document(f"sql-{self.target.name}", self.payload(log))
            self.xc.link(self.ref)
            return
        text = json.dumps(self.payload(log), ensure_ascii=False, indent=1, default=str)
        path = Path(self.session.evidence.run_dir) / self.ref
        path.write_text(self.session.secrets.text(text), encoding="utf-8")


@pytest.fixture
def db_log(
    request: pytest.FixtureRequest, xc: CheckContext, target: HostSession, db_target: DbTarget
) -> Iterator[SqlLog]:
    """The check's SQL log; written to evidence as it grows and once more at the end."""
    evidence = _Evidence(target, xc, db_target)
    log = SqlLog(on_change=evidence.write)
    yield log
    if log.statements:
        evidence.write(log)


@pytest.fixture
def db_endpoint(target: HostSession, db_target: DbTarget) -> Iterator[tuple[str, int] | None]:
    """Where to connect: the target itself, or a local port tunnelled over the host's SSH connection."""
    if not db_target.tunnel or (target.transport is not None and target.transport.is_local):
        yield None
        return
    ssh = ssh_transport_of(target.transport)
    if ssh is None:
        raise RuntimeError(f"tunnel: true needs an SSH connection to {target.spec.name}; it has none")
    # the host opens the connection: its own address, or its loopback when the target says so
    forward = LocalForward(ssh, db_target.host, db_target.port)
    try:
        yield forward.endpoint
    finally:
        forward.close()


@pytest.fixture
def db_connect(
    db_target: DbTarget, db_log: SqlLog, db_endpoint: tuple[str, int] | None
) -> Iterator[DbConnect]:
    """``db_connect(label, driver_name=None)``: a new connection, closed after the check."""
    opened: list[DbConnection] = []

    def factory(label: str = "main", driver_name: str | None = None) -> DbConnection:
        conn = connect(db_target, db_log, label=label, driver_name=driver_name, endpoint=db_endpoint)
        opened.append(conn)
        return conn

    yield factory
    for conn in opened:
        conn.close()


@pytest.fixture
def db_scratch(db_target: DbTarget, db_log: SqlLog, db_endpoint: tuple[str, int] | None) -> Iterator[Scratch]:
    """A connection in a scratch schema, dropped after the check even if the check broke the connection."""

    def opener(label: str) -> DbConnection:
        return connect(db_target, db_log, label=label, endpoint=db_endpoint)

    box = Scratch(db_target, db_log, opener)
    try:
        yield box
    finally:
        box.close()


@pytest.fixture
def db_identity(db_connect: DbConnect) -> ServerIdentity:
    """What the server says it is (version query and settings), asked over a fresh connection."""
    conn = db_connect("identify")
    try:
        return identify_server(conn)
    finally:
        conn.close()
