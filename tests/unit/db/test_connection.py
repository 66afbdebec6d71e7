"""Connections: a missing driver names its install command, a refused connection is DbUnavailable."""

from __future__ import annotations

import socket

import pytest

from harness.db.connection import DbUnavailable, DriverMissing, SqlLog, connect, load_driver
from harness.db.targets import DbTarget


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])  # closed again when the block ends


def test_missing_driver_names_the_install_command() -> None:
    with pytest.raises(DriverMissing, match=r"pip install"):
        load_driver("xcert_no_such_driver")
    target = DbTarget(name="x", family="dameng", host="127.0.0.1", port=1, user="u", driver="xcert_no_such_driver")
    with pytest.raises(DriverMissing):
        connect(target, SqlLog())


@pytest.mark.parametrize(
    ("family", "driver"), [("postgresql", "psycopg"), ("mysql", "pymysql"), ("dameng", "dmPython")]
)
def test_refused_connection_is_unavailable_and_logged(family: str, driver: str) -> None:
    pytest.importorskip(driver)
    target = DbTarget(
        name="x", family=family, host="127.0.0.1", port=_closed_port(), user="u", password="Secret-Pw-1", driver=driver
    )
    log = SqlLog()
    with pytest.raises(DbUnavailable) as err:
        connect(target, log)
    assert f"127.0.0.1:{target.port}" in str(err.value)
    assert log.statements and log.statements[0]["error"]
    assert "Secret-Pw-1" not in str(err.value) and "Secret-Pw-1" not in repr(log.statements)
