"""How a service is controlled and loaded when part of that comes from its target (harness.lifecycle.derive).

``resolve`` finds a derived service's control when the check runs: a middleware's declared unit where the
host runs systemd, a database's systemd unit (the unit of the process listening on its port). Where there is
none, it says which declaration is missing; a check then never passes that service.

``http_answers`` and ``http_workload`` are the HTTP probe and load of a middleware service, run on the host
(bash's /dev/tcp: no curl needed), against the address its listener is bound to.
"""

from __future__ import annotations

import shlex
from collections.abc import Callable

from harness.db import service as db_service
from harness.lifecycle import service as ops
from harness.lifecycle.service import Service, Target

#: the first line of an HTTP response: a status below 500 means the server answers
_HTTP_STATUS = "HTTP/1."


def _missing(svc: Service, why: str) -> str:
    return f"{svc.name}: {why}; declare start, stop and status for {svc.name!r} in xc_services"


def resolve(target: Target, svc: Service) -> tuple[Service | None, str]:
    """(the service with its control, "") or (None, why it cannot be stopped and started)."""
    decl = svc.decl
    derived = decl.get("derived")
    if not derived or decl.get("start"):
        return svc, ""
    run: Callable[..., object] = target.run
    systemd = db_service.has_systemd(run)  # type: ignore[arg-type]
    if decl.get("unit"):
        if systemd:
            return svc, ""
        return None, _missing(svc, f"{derived} names unit {decl['unit']}, but the host runs no systemd")
    if not systemd:
        return None, _missing(svc, "the host runs no systemd to derive a unit from")
    pid = ops.main_pid(target, svc)
    unit = db_service.unit_of(run, pid) if pid else None  # type: ignore[arg-type]
    if unit is None:
        port = svc.ports[0] if svc.ports else "?"
        return None, _missing(svc, f"no systemd unit runs the process listening on port {port}")
    return Service({**decl, "unit": unit}), ""


def _bound(target: Target, port: int) -> list[tuple[str, int]]:
    hosts = []
    for lst in ops.listeners(target):
        if lst.proto == "tcp" and lst.port == port:
            host = lst.address.strip("[]").split("%", 1)[0]
            hosts.append(("127.0.0.1" if host in ("0.0.0.0", "*") else "::1" if host == "::" else host, port))
    return hosts[:2]


def _request(host: str, port: int) -> str:
    return (
        f"exec 3<>/dev/tcp/{host}/{int(port)} && printf 'GET / HTTP/1.0\\r\\nHost: {host}\\r\\n\\r\\n' >&3 && "
        "head -c 12 <&3"
    )


def http_answers(target: Target, port: int) -> bool:
    """An HTTP GET of / on the host answers with a status below 500."""
    for host, p in _bound(target, port):
        out = target.run(f"timeout 5 bash -c {shlex.quote(_request(host, p))}", timeout_s=15).text.strip()
        code = out[len(_HTTP_STATUS) + 2 :].strip()[:3]
        if out.startswith(_HTTP_STATUS) and code.isdigit() and int(code) < 500:
            return True
    return False


def http_workload(target: Target, port: int) -> str | None:
    """A shell loop of HTTP requests against the service (its load while it is killed or sampled)."""
    bound = _bound(target, port)
    if not bound:
        return None
    host, p = bound[0]
    loop = f"while :; do {_request(host, p)} >/dev/null 2>&1; cat <&3 >/dev/null 2>&1; exec 3<&-; done"
    return f"bash -c {shlex.quote(loop)}"
