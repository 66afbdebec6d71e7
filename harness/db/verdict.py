"""How a database check turns what a probe saw into pass, fail or error.

A probe's ``Unsupported`` and an SQL error on a live connection are the database's answer
(``fail``: the feature does not hold); a lost connection or a timeout is not an answer
(``error``: re-raised as DbConnectionLost); which is which is harness.decide's rule.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Callable, Mapping
from typing import Any

from harness.checks import N_, CheckContext
from harness.db.connection import DbConnectionLost
from harness.db.features import Unsupported
from harness.db.scratch import Scratch, is_connection_lost
from harness.db.targets import DbTarget
from harness.decide import sql_error_is_answer


def _short(exc: BaseException) -> str:
    text = str(exc).strip()
    return f"{type(exc).__name__}: {text.splitlines()[0] if text else ''}"[:300]


def refused_or_lost(scratch: Scratch, exc: BaseException) -> None:
    """Re-raise ``exc`` as DbConnectionLost unless it is the server refusing SQL on a live connection."""
    if any(is_connection_lost(c, exc) for c in scratch.conns):
        raise DbConnectionLost(f"the connection to {scratch.target.name} was lost: {_short(exc)}") from exc
    conn = scratch.conn
    if not sql_error_is_answer(exc, conn.driver_name, conn.driver, connection_lost=False):
        raise DbConnectionLost(f"{scratch.target.name} did not answer in time: {_short(exc)}") from exc


def decide_feature(xc: CheckContext, scratch: Scratch, probe: Callable[[Scratch], Mapping[str, Any]]) -> None:
    """Run a feature probe; pass with what it saw, fail with what did not hold."""
    driver_error = scratch.conn.driver.Error
    try:
        observed = probe(scratch)
    except Unsupported as exc:
        xc.measure("supported", False, "bool")
        xc.fail(N_("Does not hold: {detail}"), detail=str(exc))
    except driver_error as exc:
        refused_or_lost(scratch, exc)
        xc.measure("supported", False, "bool")
        xc.fail(N_("The server refused the SQL: {error}"), error=_short(exc))
    xc.measure("supported", True, "bool")
    xc.note(N_("Holds: {observed}"), observed=", ".join(f"{k}={v}" for k, v in observed.items()))


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def served_by_host(target: DbTarget, host_address: str, connection: str) -> bool:
    """True when the database runs on the certified host itself (so its service can be checked there)."""
    if target.tunnel or target.host == host_address:
        return True
    return _is_loopback(target.host) and (connection == "local" or _is_loopback(host_address))
