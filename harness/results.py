"""results.json: built from run.json and the journals, validated against the shipped schema.

Every report is rendered from results.json alone.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from importlib import resources
from pathlib import Path
from typing import Any

from harness.fold import HostState, fold, plan_key
from harness.journal import read_journal
from harness.layers import LAYERS, order_of
from harness.outcomes import Outcome, Severity, Verdict, host_verdict, run_verdict
from harness.records import CheckRecord, FactsRecord, ProvisionRecord, Record, read_records
from harness.rundir import load_run_meta, write_json_atomic
from harness.selection import NOT_SELECTED
from harness.waivers import Waiver, apply_waivers, load_run_waivers

SCHEMA_ID = "xcert-results/1"


def load_schema() -> dict[str, Any]:
    text = resources.files("harness.schema").joinpath("results.schema.json").read_text(encoding="utf-8")
    schema: dict[str, Any] = json.loads(text)
    # the layers are the registry's (harness/layers.py): a new layer is one registration, not a schema edit
    schema["$defs"]["check"]["properties"]["layer"]["enum"] = list(LAYERS)
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


def _source(host_meta: dict[str, Any], facts: FactsRecord | None) -> dict[str, Any]:
    """Observed live or answered from a snapshot (with its SHA-256 and who supplied it)."""
    if facts is not None and facts.source.get("kind") in ("live", "snapshot"):
        return dict(facts.source)
    if host_meta.get("connection") == "snapshot":
        return {"kind": "snapshot", "sha256": None, "supplied_by": None}
    return {"kind": "live"}


def _row(rec: CheckRecord, meta: dict[str, Any]) -> dict[str, Any]:
    """A check of results.json: the decision, with the plan's metadata where the record has none."""
    return {
        "id": rec.id,
        "subject": rec.subject,
        "layer": rec.layer or meta.get("layer", ""),
        "severity": rec.severity or meta.get("severity", "advisory"),
        "title": rec.title or meta.get("title", rec.id),
        "requirement": meta.get("requirement", ""),
        "remedy": meta.get("remedy", ""),
        "tags": list(rec.tags or meta.get("tags") or []),
        "outcome": rec.outcome,
        "message": rec.message,
        "message_key": rec.message_key,
        "message_args": rec.message_args,
        "duration_s": rec.duration_s,
        "started": rec.started,
        "evidence": rec.evidence,
        "measurements": rec.measurements,
    }


def _provisioning(prepare: ProvisionRecord | None) -> dict[str, Any] | None:
    """Set when the host could not be prepared as the checks need: a gap, never an incompatibility."""
    if prepare is None or prepare.ok:
        return None
    return {
        "ok": False,
        "task": prepare.task or "",
        "message": prepare.message or "",
        "message_key": prepare.message_key or "",
        "message_args": prepare.message_args or {},
        "evidence": prepare.evidence or [],
    }


def _typed(records: Iterable[dict[str, Any] | Record]) -> Iterable[Record]:
    """Journal records as typed records, whether they were read as dicts or built typed."""
    for item in records:
        yield from (read_records([item]) if isinstance(item, dict) else [item])


def _mandatory_outcomes(state: HostState, decided: list[dict[str, Any]], prepared: bool) -> list[Outcome | None]:
    """The outcomes the host's verdict weighs; None stands for a mandatory check left undecided."""
    mandatory: list[Outcome | None] = [Outcome(c["outcome"]) for c in decided if c["severity"] == Severity.MANDATORY]
    undecided = set(state.undecided)
    mandatory += [None for c in state.plan if plan_key(c) in undecided and c.get("severity") == Severity.MANDATORY]
    # a mandatory check the selection (-k/-m/--check) left out: the host is not certified by a part of its checks
    mandatory += [None for c in decided if c["severity"] == Severity.MANDATORY and c.get("message_key") == NOT_SELECTED]
    if not state.seen:
        mandatory.append(None)  # the host's worker never started
    if not prepared:
        mandatory.append(None)
    return mandatory


def _unreachable(state: HostState) -> dict[str, Any] | None:
    lost = state.unreachable
    if lost is None:
        return None
    return {"reason": lost.reason, "detail": lost.detail, "lost_mid_run": lost.lost_mid_run}


def build_host(
    host_meta: dict[str, Any], records: Iterable[dict[str, Any] | Record], waivers: list[Waiver] | None = None
) -> dict[str, Any]:
    """One host of results.json: a fold over its journal records (dicts as read, or typed)."""
    state = fold(_typed(records))
    plan_by_key = {plan_key(c): c for c in state.plan}
    decided = sorted((_row(rec, plan_by_key.get(key, {})) for key, rec in state.checks.items()), key=_layer_order)
    if waivers:
        apply_waivers(host_meta["name"], decided, waivers)
    provisioning = _provisioning(state.prepare)
    mandatory = _mandatory_outcomes(state, decided, prepared=provisioning is None)
    facts = state.facts
    return {
        "name": host_meta["name"],
        "slug": host_meta["slug"],
        "address": host_meta.get("address"),
        "connection": host_meta.get("connection"),
        "lab": bool(host_meta.get("lab", False)),
        "reachable": state.reachable,
        "unreachable": _unreachable(state),
        "stack": {"declared": host_meta.get("declared", {}), "detected": facts.identity if facts else {}},
        "facts": facts.summary if facts else {},
        "facts_evidence": facts.evidence if facts else [],
        "source": _source(host_meta, facts),
        "verdict": str(host_verdict(state.reachable, mandatory)),
        "complete": state.ended and not state.undecided,
        "undecided": state.undecided,
        "provisioning": provisioning,
        "checks": decided,
    }


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
        **({"selection": meta["selection"]} if meta.get("selection") else {}),
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
