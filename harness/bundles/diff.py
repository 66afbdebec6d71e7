"""What changed between two certifications of one host or combination: components and versions, checks
whose outcome changed, new failures. ``xcert diff RUN_A RUN_B`` and the matrix's cells use it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from harness.bundles.combination import LAYERS, HostResult, RunRecord

FAILING = ("fail", "error")


def _check_key(c: dict[str, Any]) -> str:
    return f"{c['id']}[{c['subject']}]" if c.get("subject") else str(c["id"])


def check_changes(before: Sequence[dict[str, Any]], after: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """Checks whose outcome differs (present in one run only: outcome ``None`` on the other side)."""
    old = {_check_key(c): c for c in before}
    new = {_check_key(c): c for c in after}
    changes = []
    for key in sorted(set(old) | set(new)):
        a, b = old.get(key), new.get(key)
        oa, ob = (a or {}).get("outcome"), (b or {}).get("outcome")
        if oa == ob:
            continue
        changes.append(
            {
                "check": key,
                "before": oa,
                "after": ob,
                "new_failure": ob in FAILING and oa not in FAILING,
                "severity": (b or a or {}).get("severity"),
                "message": str((b or {}).get("message") or "")[:300],
            }
        )
    return changes


def component_changes(a: HostResult, b: HostResult) -> list[dict[str, Any]]:
    out = []
    for layer in LAYERS:
        ca, cb = a.combination[layer], b.combination[layer]
        if ca != cb:
            out.append({"layer": layer, "before": ca, "after": cb})
    return out


def pair_hosts(a: RunRecord, b: RunRecord) -> list[tuple[HostResult | None, HostResult | None]]:
    """Hosts of two runs paired by name; a host in one run only is paired with None."""
    names = [h.host for h in a.hosts] + [h.host for h in b.hosts if h.host not in {x.host for x in a.hosts}]
    by_a = {h.host: h for h in a.hosts}
    by_b = {h.host: h for h in b.hosts}
    return [(by_a.get(n), by_b.get(n)) for n in names]


def diff_runs(a: RunRecord, b: RunRecord) -> dict[str, Any]:
    """The diff of run A (before) to run B (after), host by host."""
    hosts = []
    for ha, hb in pair_hosts(a, b):
        either = ha or hb
        name = either.host if either is not None else ""
        entry: dict[str, Any] = {
            "host": name,
            "only_in": "before" if hb is None else "after" if ha is None else None,
            "verdict": {"before": ha.verdict if ha else None, "after": hb.verdict if hb else None},
            "components": component_changes(ha, hb) if ha and hb else [],
            "checks": check_changes(ha.checks if ha else [], hb.checks if hb else []),
        }
        entry["new_failures"] = [c["check"] for c in entry["checks"] if c["new_failure"]]
        entry["changed"] = bool(
            entry["only_in"]
            or entry["components"]
            or entry["checks"]
            or entry["verdict"]["before"] != entry["verdict"]["after"]
        )
        hosts.append(entry)
    return {
        "schema": "xcert-diff/1",
        "before": a.summary(),
        "after": b.summary(),
        "verdict": {"before": a.verdict, "after": b.verdict},
        "changed": any(h["changed"] for h in hosts) or a.verdict != b.verdict,
        "hosts": hosts,
    }
