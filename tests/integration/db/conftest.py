"""Throwaway PostgreSQL and MariaDB servers on free loopback ports, always stopped afterwards."""

from __future__ import annotations

import importlib.util
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from harness.lab.db import LabDbError, free_port, start_db, stop_db
from tests.integration.lab_fixture import Lab, lab_session

#: the lab's databases: OceanBase seekdb when the pinned wheel is installed (scripts/setup.sh --dev does it)
LAB_DBS = ("postgresql", "mariadb") + (("oceanbase",) if importlib.util.find_spec("pylibseekdb") else ())


def _workdir() -> Iterator[Path]:
    # not under pytest's tmp_path: that is 0700 root, and the servers run as postgres / mysql
    path = Path(tempfile.mkdtemp(prefix="xcert-db-test-"))
    os.chmod(path, 0o755)
    try:
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)


def _server(kind: str) -> Iterator[dict[str, Any]]:
    if os.geteuid() != 0:
        pytest.skip("database servers for the tests are started as root (they run as postgres / mysql)")
    for workdir in _workdir():
        try:
            hostvars = start_db(kind, "", "127.0.0.1", workdir, port=free_port())
        except LabDbError as exc:
            stop_db(kind, workdir)
            if "not installed" in str(exc):
                pytest.skip(str(exc))
            raise
        try:
            yield {"workdir": workdir, **hostvars["xc_db_targets"][-1]}  # the new one is last
        finally:
            stop_db(kind, workdir)


@pytest.fixture(scope="session")
def pg_server() -> Iterator[dict[str, Any]]:
    yield from _server("postgresql")


@pytest.fixture(scope="session")
def mariadb_server() -> Iterator[dict[str, Any]]:
    yield from _server("mariadb")


def write_inventory(path: Path, hosts: dict[str, list[dict[str, Any]]]) -> Path:
    """An inventory of local hosts, each declaring the given xc_db_targets."""
    data = {
        "all": {
            "hosts": {
                name: {"ansible_connection": "local", "ansible_host": "127.0.0.1", "xc_db_targets": targets}
                for name, targets in hosts.items()
            }
        }
    }
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def target_of(server: dict[str, Any], **changes: Any) -> dict[str, Any]:
    keys = ("name", "family", "product", "host", "port", "database", "user", "password")
    return {**{k: server[k] for k in keys}, **changes}


@pytest.fixture(scope="session")
def db_lab(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Lab]:
    """ONE lab host with every lab database inside it, for the whole session (seekdb starts once)."""
    args = ["--hosts", "1"]
    for kind in LAB_DBS:
        args += ["--db", kind]
    yield from lab_session(tmp_path_factory, *args)
