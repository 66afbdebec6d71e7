"""What the soak checks run: which services have a load, and one sampled run of a service under its load.

A service's load is its declared workload (a shell command on the host), else its target's: the database
smoke (``dbload.SqlLoad`` from the controller, while the sampler samples the host) or an HTTP loop on the host.
"""

from __future__ import annotations

from typing import Any

from harness.db.connection import SqlLog
from harness.lifecycle import recovery, sampler
from harness.lifecycle.dbload import Databases, Ledger, SqlLoad
from harness.lifecycle.service import Service


def loadable(target: Any) -> list[Service]:
    """Services with a load: a declared workload, or their target's (the database smoke, an HTTP loop)."""
    out = []
    for decl in getattr(target.spec, "services", ()) or ():
        probe = decl.get("probe") or {}
        if decl.get("workload") or (decl.get("derived") and ({"sql", "http"} & set(probe))):
            out.append(Service(decl))
    return out


def sample_run(target: Any, svc: Service, dbs: Databases, seconds: float, interval: float) -> str:
    name = recovery.sql_name(svc)
    if svc.decl.get("workload") or not name:
        workload = recovery.shell_workload(target, svc)
        if workload is None:
            raise RuntimeError(f"{svc.name}: its HTTP port has no listener to load")
        return str(target.run(sampler.command(workload, seconds, interval), timeout_s=seconds + 120).text)
    ledger = Ledger(dbs, name, SqlLog())
    try:
        load = SqlLoad(ledger, seconds + 60)
        try:
            return str(target.run(sampler.command(None, seconds, interval), timeout_s=seconds + 120).text)
        finally:
            load.stop()
    finally:
        ledger.close()
