"""Run a named probe once per host session and share its answer (and its evidence) with every check that asks.

The server and middleware checks read the same few probes (the platform kind, the JVM list, the listeners);
running each once keeps a certification fast and a frozen server from costing its timeout many times over.
Each check that uses a shared answer links the same evidence record, so its evidence still shows what it read.
"""

from __future__ import annotations

from typing import Any

from harness.facts.manifest import PROBES
from harness.transport.base import CommandResult

_CACHE_ATTR = "_xcert_probe_once"


def probe(session: Any, name: str, timeout_s: float | None = None) -> CommandResult:
    """``session.probe(name)``, run at most once per session; later callers get the same result and evidence."""
    cache: dict[str, tuple[CommandResult, str]] = session.__dict__.setdefault(_CACHE_ATTR, {})
    if name not in cache:
        cache[name] = session._run(PROBES[name], timeout_s, label=name)
    else:
        current = getattr(session, "current", None)
        if current is not None:
            current.link(cache[name][1])
    result = cache[name][0]
    if result.rc != 0:
        # every probe ends in a status of 0 on a live host: anything else means it could not run (or a
        # snapshot does not hold it), which is an error of the check, never a finding about the host
        raise ProbeDidNotRun(
            f"probe {name} did not run (rc {result.rc}): {result.stderr.decode(errors='replace').strip()[:200]}"
        )
    return result


class ProbeDidNotRun(RuntimeError):
    """A named probe exited non-zero: the host could not be looked at this way."""
