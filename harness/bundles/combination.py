"""Run directories read as data: every host keyed by its detected combination (CPU × OS × DB × server ×
middleware catalog ids, with versions).

Run directories come from anyone (other controllers, other dates): results.json is bounded, parsed and
validated against the shipped schema before use; a bad one is an InputError naming the file (exit 3).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from harness.errors import InputError, Location

LAYERS = ("cpu", "os", "db", "server", "middleware")
#: a results.json larger than this is refused (a real one of 1,000 checks is about 2 MiB)
MAX_RESULTS_BYTES = 64 << 20
#: the pseudo-host that carries a run's cross-host (integration) checks
INTEGRATION_CONNECTION = "integration"


def combination_of(detected: dict[str, Any]) -> dict[str, dict[str, str | None]]:
    """``{layer: {"id", "version"}}`` from a host's ``stack.detected``; absent layers are ``None``."""
    out: dict[str, dict[str, str | None]] = {}
    for layer in LAYERS:
        comp = detected.get(layer) if isinstance(detected.get(layer), dict) else {}
        assert isinstance(comp, dict)
        cid = comp.get("catalog_id")
        version = comp.get("version")
        out[layer] = {
            "id": str(cid) if isinstance(cid, str) and cid else None,
            "version": str(version)[:200] if isinstance(version, str | int | float) and str(version) else None,
        }
    return out


def lineage_of(detected: dict[str, Any]) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for layer in LAYERS:
        comp = detected.get(layer) if isinstance(detected.get(layer), dict) else {}
        assert isinstance(comp, dict)
        raw = comp.get("lineage")
        lineage = [str(x) for x in raw if isinstance(x, str)] if isinstance(raw, list) else []
        cid = comp.get("catalog_id")
        if isinstance(cid, str) and cid and cid not in lineage:
            lineage.insert(0, cid)
        out[layer] = lineage
    return out


def server_reported_db_version(host: dict[str, Any]) -> str | None:
    """The version the database server itself reported to XC-DB-002 (identified over its own protocol),
    when identification from the facts alone found none (a server process without its version file)."""
    for check in host.get("checks", []):
        if check.get("id") == "XC-DB-002" and check.get("outcome") == "pass":
            version = (check.get("message_args") or {}).get("version")
            if isinstance(version, str) and version:
                return version[:200]
    return None


def combination_key(comb: dict[str, dict[str, str | None]]) -> str:
    """A stable text key: ``cpu=amd-x86|os=kylin-server-v10-sp2@V10 (Sword)|db=-|...``."""
    parts = []
    for layer in LAYERS:
        c = comb.get(layer) or {}
        value = c.get("id") or "-"
        if c.get("version"):
            value += f"@{c['version']}"
        parts.append(f"{layer}={value}")
    return "|".join(parts)


@dataclass
class HostResult:
    """One host of one run, as the matrix sees it."""

    run_id: str
    run_uid: str
    run_dir: Path
    host: str
    verdict: str
    date: str
    profile: str
    combination: dict[str, dict[str, str | None]]
    lineage: dict[str, list[str]]
    evidence_digest: str
    report: str
    snapshot: bool = False
    #: every planned check decided and the run not interrupted: only such a result decides a cell
    complete: bool = True
    role: str = ""
    checks: list[dict[str, Any]] = field(default_factory=list)

    @property
    def key(self) -> str:
        return combination_key(self.combination)

    def source(self) -> dict[str, Any]:
        return {
            "run_id": self.run_id,
            "run_uid": self.run_uid,
            "host": self.host,
            "report": self.report,
            "verdict": self.verdict,
            "date": self.date,
            "profile": self.profile,
            "evidence_digest": self.evidence_digest,
            "snapshot": self.snapshot,
            "complete": self.complete,
        }


@dataclass
class RunRecord:
    run_id: str
    run_uid: str
    run_dir: Path
    started: str
    finished: str
    verdict: str
    profile: str
    evidence_digest: str
    tool: dict[str, Any]
    hosts: list[HostResult]
    #: the run's cross-host checks (the integration pseudo-host), when it declared roles
    integration: dict[str, Any] | None = None
    #: hosts that could not be keyed (unreachable, nothing identified), with the reason
    unkeyed: list[dict[str, str]] = field(default_factory=list)

    def summary(self) -> dict[str, Any]:
        return {
            "run_id": self.run_id,
            "run_uid": self.run_uid,
            "dir": str(self.run_dir),
            "started": self.started,
            "finished": self.finished,
            "verdict": self.verdict,
            "profile": self.profile,
            "evidence_digest": self.evidence_digest,
            "tool": self.tool,
        }


def load_results_file(run_dir: Path) -> dict[str, Any]:
    """results.json of a run directory, bounded and schema-checked; InputError (exit 3) otherwise."""
    from harness.results import validate

    path = run_dir / "results.json"
    try:
        size = path.stat().st_size
        if size > MAX_RESULTS_BYTES:
            raise InputError(Location(str(path)), f"larger than {MAX_RESULTS_BYTES} bytes")
        data = json.loads(path.read_bytes())
    except FileNotFoundError:
        raise InputError(Location(str(path)), "not found (is this an xcert run directory?)") from None
    except OSError as exc:
        raise InputError(Location(str(path)), f"cannot read ({exc.strerror})") from None
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        line = getattr(exc, "lineno", None)
        raise InputError(Location(str(path), line), "not valid JSON") from None
    except RecursionError:
        raise InputError(Location(str(path)), "nested too deeply") from None
    if not isinstance(data, dict):
        raise InputError(Location(str(path)), "not a results object")
    problems = validate(data)
    if problems:
        key, _, message = problems[0].partition(": ")
        raise InputError(Location(str(path), key=key), message[:300])
    return data


def _host_date(results: dict[str, Any]) -> str:
    return str(results.get("finished") or results.get("started"))


def read_run(run_dir: Path, out_dir: Path | None = None) -> RunRecord:
    """A run directory as the matrix needs it; report links are relative to ``out_dir``."""
    import os

    from harness.signing.manifest import run_evidence_digest

    results = load_results_file(run_dir)
    digest, _ = run_evidence_digest(run_dir)
    run_id = str(results["run_id"])
    # the same run id from two controllers (or two copies of one run edited) stays two runs
    run_uid = f"{run_id}@{digest.removeprefix('sha256:')[:12]}"
    report_file = next((n for n in ("report.html", "report.en.html") if (run_dir / n).is_file()), "results.json")
    base = out_dir.resolve() if out_dir is not None else Path.cwd()
    report = os.path.relpath((run_dir / report_file).resolve(), base)
    roles = _roles(run_dir)
    record = RunRecord(
        run_id=run_id,
        run_uid=run_uid,
        run_dir=run_dir,
        started=str(results["started"]),
        finished=str(results["finished"]),
        verdict=str(results["verdict"]),
        profile=str(results["profile"]),
        evidence_digest=digest,
        tool=dict(results.get("tool") or {}),
        hosts=[],
    )
    for host in results["hosts"]:
        if host.get("connection") == INTEGRATION_CONNECTION:
            record.integration = {
                "run_id": run_id,
                "run_uid": run_uid,
                "verdict": host["verdict"],
                "date": _host_date(results),
                "report": report,
                "checks": [
                    {k: c.get(k) for k in ("id", "subject", "severity", "outcome", "message", "evidence")}
                    for c in host["checks"]
                ],
                "roles": _role_hosts(host.get("facts", {}).get("roles")),
            }
            continue
        detected = host["stack"].get("detected") or {}
        comb = combination_of(detected)
        if comb["db"]["id"] and not comb["db"]["version"]:
            comb["db"]["version"] = server_reported_db_version(host)
        if not host["reachable"] or not any(c["id"] for c in comb.values()):
            reason = "unreachable" if not host["reachable"] else "nothing identified"
            record.unkeyed.append({"run_id": run_id, "host": str(host["name"]), "reason": reason})
            continue
        record.hosts.append(
            HostResult(
                run_id=run_id,
                run_uid=run_uid,
                run_dir=run_dir,
                host=str(host["name"]),
                verdict=str(host["verdict"]),
                date=_host_date(results),
                profile=str(results["profile"]),
                combination=comb,
                lineage=lineage_of(detected),
                evidence_digest=digest,
                report=report,
                snapshot=host.get("connection") == "snapshot",
                complete=bool(host.get("complete", True)) and not results.get("interrupted", False),
                role=roles.get(str(host["name"]), ""),
                checks=[
                    {k: c.get(k) for k in ("id", "subject", "layer", "severity", "outcome", "message")}
                    for c in host["checks"]
                ],
            )
        )
    return record


def _role_hosts(raw: Any) -> dict[str, list[str]]:
    """{role: [host names]} as the integration pseudo-host recorded it (data from elsewhere: checked)."""
    if not isinstance(raw, dict):
        return {}
    return {
        str(k)[:40]: [str(h)[:200] for h in v if isinstance(h, str)]
        for k, v in list(raw.items())[:50]
        if isinstance(v, list)
    }


def _roles(run_dir: Path) -> dict[str, str]:
    """Host name -> declared role (``xc_role``) from run.json, when the run recorded one."""
    try:
        meta = json.loads((run_dir / "run.json").read_bytes()[:MAX_RESULTS_BYTES])
    except (OSError, ValueError):
        return {}
    hosts = meta.get("hosts") if isinstance(meta, dict) else None
    if not isinstance(hosts, list):
        return {}
    return {str(h.get("name")): str(h.get("role"))[:40] for h in hosts if isinstance(h, dict) and h.get("role")}
