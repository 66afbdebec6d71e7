"""results.json: built from run.json and the journals, validated against the shipped schema.

Every report is rendered from results.json alone.
"""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path
from typing import Any

from harness.journal import read_journal
from harness.layers import order_of
from harness.outcomes import Outcome, Severity, Verdict, host_verdict, run_verdict
from harness.rundir import load_run_meta, write_json_atomic
from harness.waivers import Waiver, apply_waivers, load_run_waivers

SCHEMA_ID = "xcert-results/1"


def load_schema() -> dict[str, Any]:
    text = resources.files("harness.schema").joinpath("results.schema.json").read_text(encoding="utf-8")
    schema: dict[str, Any] = json.loads(text)
    return schema


def validate(results: dict[str, Any]) -> list[str]:
    """Schema violations as readable lines (empty when valid)."""
    import jsonschema

    validator = jsonschema.Draft202012Validator(load_schema())
    return [
        f"{'/'.join(str(p) for p in err.absolute_path) or '(root)'}: {err.message}"
        for err in sorted(validator.iter_errors(results), key=lambda e: list(e.absolute_path))
    ]


def _layer_order(check: dict[str, Any]) -> tuple[int, str, str]:
    return (order_of(check.get("layer", "")), check.get("id", ""), check.get("subject", ""))


def _key(record: dict[str, Any]) -> str:
    """A check is decided once per subject (see pytest_plugin.check_key)."""
    subject = record.get("subject") or ""
    return f"{record['id']}[{subject}]" if subject else str(record["id"])


def _source(host_meta: dict[str, Any], facts: dict[str, Any] | None) -> dict[str, Any]:
    """Observed live or answered from a snapshot (with its SHA-256 and who supplied it)."""
    recorded = (facts or {}).get("source")
    if isinstance(recorded, dict) and recorded.get("kind") in ("live", "snapshot"):
        return dict(recorded)
    if host_meta.get("connection") == "snapshot":
        return {"kind": "snapshot", "sha256": None, "supplied_by": None}
    return {"kind": "live"}


def build_host(
    host_meta: dict[str, Any], records: list[dict[str, Any]], waivers: list[Waiver] | None = None
) -> dict[str, Any]:
    plan: list[dict[str, Any]] = []
    checks: dict[str, dict[str, Any]] = {}
    unreachable: dict[str, Any] | None = None
    prepare: dict[str, Any] | None = None
    facts: dict[str, Any] | None = None
    ended = False
    for rec in records:
        kind = rec.get("type")
        if kind == "plan":
            # each attempt (the first run, each resume) starts with its plan: what an earlier
            # attempt found about reachability no longer holds; decided checks stay decided
            plan = rec.get("checks", [])
            unreachable, ended = None, False
        elif kind == "check" and _key(rec) not in checks:
            checks[_key(rec)] = rec  # first decision stands: each check once
        elif kind == "unreachable":
            unreachable = rec
        elif kind == "facts":
            facts = rec
        elif kind == "provision" and rec.get("action") == "prepare" and not rec.get("unreachable"):
            # the latest attempt's preparation counts; cleanup never changes a verdict
            prepare = rec
        elif kind == "host_end":
            ended = True
    plan_by_key = {_key(c): c for c in plan}
    decided = []
    for key, rec in checks.items():
        meta = plan_by_key.get(key, {})
        decided.append(
            {
                "id": rec["id"],
                "subject": rec.get("subject", ""),
                "layer": rec.get("layer") or meta.get("layer", ""),
                "severity": rec.get("severity") or meta.get("severity", "advisory"),
                "title": rec.get("title") or meta.get("title", rec["id"]),
                "requirement": meta.get("requirement", ""),
                "remedy": meta.get("remedy", ""),
                "tags": list(rec.get("tags") or meta.get("tags") or []),
                "outcome": rec["outcome"],
                "message": rec.get("message", ""),
                "message_key": rec.get("message_key", ""),
                "message_args": rec.get("message_args", {}),
                "duration_s": rec.get("duration_s", 0.0),
                "started": rec.get("started"),
                "evidence": rec.get("evidence", []),
                "measurements": rec.get("measurements", {}),
            }
        )
    decided.sort(key=_layer_order)
    if waivers:
        apply_waivers(host_meta["name"], decided, waivers)
    undecided = [_key(c) for c in plan if _key(c) not in checks]
    reachable = unreachable is None and (facts is not None or not plan)
    mandatory: list[Outcome | None] = [Outcome(c["outcome"]) for c in decided if c["severity"] == Severity.MANDATORY]
    mandatory += [None for c in plan if _key(c) in undecided and c.get("severity") == Severity.MANDATORY]
    if not records:
        mandatory.append(None)  # the host's worker never started
    provisioning = None
    if prepare is not None and not prepare.get("ok", True):
        # the host could not be prepared as the checks need: a gap, never an incompatibility
        mandatory.append(None)
        provisioning = {
            "ok": False,
            "task": prepare.get("task") or "",
            "message": prepare.get("message") or "",
            "message_key": prepare.get("message_key") or "",
            "message_args": prepare.get("message_args") or {},
            "evidence": prepare.get("evidence") or [],
        }
    verdict = host_verdict(reachable, mandatory)
    identity = (facts or {}).get("identity", {})
    host: dict[str, Any] = {
        "name": host_meta["name"],
        "slug": host_meta["slug"],
        "address": host_meta.get("address"),
        "connection": host_meta.get("connection"),
        "lab": bool(host_meta.get("lab", False)),
        "reachable": reachable,
        "unreachable": (
            {
                "reason": unreachable.get("reason", ""),
                "detail": unreachable.get("detail", ""),
                "lost_mid_run": bool(unreachable.get("lost_mid_run", False)),
            }
            if unreachable
            else None
        ),
        "stack": {"declared": host_meta.get("declared", {}), "detected": identity},
        "facts": (facts or {}).get("summary", {}),
        "facts_evidence": (facts or {}).get("evidence", []),
        "source": _source(host_meta, facts),
        "verdict": str(verdict),
        "complete": ended and not undecided,
        "undecided": undecided,
        "provisioning": provisioning,
        "checks": decided,
    }
    return host


def build_results(run_dir: Path) -> dict[str, Any]:
    meta = load_run_meta(run_dir)
    waivers = load_run_waivers(run_dir)
    hosts = []
    last_time = meta.get("finished")
    for host_meta in meta["hosts"]:
        records = list(read_journal(run_dir / "journal" / f"{host_meta['slug']}.jsonl"))
        for rec in records:
            stamp = rec.get("time") or rec.get("started")
            if stamp and (last_time is None or stamp > last_time):
                last_time = stamp
        hosts.append(build_host(host_meta, records, waivers))
    verdict = run_verdict(Verdict(h["verdict"]) for h in hosts)
    counts = {str(o): 0 for o in Outcome}
    for h in hosts:
        for c in h["checks"]:
            counts[c["outcome"]] += 1
    return {
        "schema": SCHEMA_ID,
        "run_id": meta["run_id"],
        "started": meta["started"],
        "finished": last_time or meta["started"],
        "complete": bool(meta.get("finished")) and all(h["complete"] or not h["reachable"] for h in hosts),
        "interrupted": bool(meta.get("interrupted", False)),
        "tool": meta["tool"],
        "profile": meta["profile"],
        "langs": meta.get("langs", ["en"]),
        "verdict": str(verdict),
        "counts": dict(counts, unreachable=sum(1 for h in hosts if not h["reachable"])),
        "hosts": hosts,
    }


def write_results(run_dir: Path) -> dict[str, Any]:
    results = build_results(run_dir)
    write_json_atomic(run_dir / "results.json", results)
    return results


def load_results(run_dir: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((run_dir / "results.json").read_text(encoding="utf-8"))
    return data
