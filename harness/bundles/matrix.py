"""The matrix: every keyed host of any number of runs, one cell per detected combination.

A cell keeps the newest result as its verdict and every source (run, host, report) newest first, so
two runs that disagree on one combination both stay visible. With a bundle, the combinations it names
that no run covers become gaps, or cells inherited by an equivalence rule (never shown as tested).
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from harness import TOOL_NAME, __version__
from harness.bundles.combination import LAYERS, HostResult, RunRecord, combination_key
from harness.bundles.definition import Accepted, Bundle, Role
from harness.bundles.diff import check_changes
from harness.bundles.equivalence import Rule
from harness.paths import catalog_dir, suites_dir
from harness.rundir import suite_digest

SCHEMA_ID = "xcert-matrix/1"


def _newest_first(results: list[HostResult]) -> list[HostResult]:
    return sorted(results, key=lambda r: (r.date, r.run_uid, r.host), reverse=True)


def tested_cells(runs: Sequence[RunRecord]) -> list[dict[str, Any]]:
    by_key: dict[str, list[HostResult]] = {}
    for run in runs:
        for host in run.hosts:
            by_key.setdefault(host.key, []).append(host)
    cells = []
    for key in sorted(by_key):
        results = _newest_first(by_key[key])
        # the newest complete result decides; an interrupted run's stays listed but does not overrule it
        newest = next((r for r in results if r.complete), results[0])
        cell: dict[str, Any] = {
            "key": key,
            "combination": newest.combination,
            "tested": True,
            "verdict": newest.verdict,
            "date": newest.date,
            "disagree": len({r.verdict for r in results}) > 1,
            "sources": [r.source() for r in results],
            "inherited_from": None,
            "changes": check_changes(results[1].checks, results[0].checks) if len(results) > 1 else [],
        }
        cell["_results"] = results
        cell["_decider"] = newest
        cells.append(cell)
    return cells


def matches(accepts: dict[str, Accepted], result: HostResult) -> bool:
    return all(a.matches(result.lineage[layer], result.combination[layer]["version"]) for layer, a in accepts.items())


def role_matches(role: Role, result: HostResult) -> bool:
    return all(
        any(a.matches(result.lineage[layer], result.combination[layer]["version"]) for a in accepted)
        for layer, accepted in role.accepts.items()
    )


def named_combinations(role: Role) -> list[dict[str, Accepted]]:
    """Every combination a role names: one accepted component per layer it constrains."""
    layers = [layer for layer in LAYERS if layer in role.accepts]
    return [dict(zip(layers, choice, strict=True)) for choice in itertools.product(*(role.accepts[x] for x in layers))]


def wanted_label(want: dict[str, Accepted]) -> dict[str, str | None]:
    return {layer: want[layer].label() if layer in want else None for layer in LAYERS}


def _inherit(want: dict[str, Accepted], results: list[HostResult], rules: Sequence[Rule]) -> dict[str, Any] | None:
    for rule in rules:
        if rule.layer not in want:
            continue
        for result in results:
            others = {k: v for k, v in want.items() if k != rule.layer}
            if not matches(others, result):
                continue
            layer = rule.layer
            label = rule.inherit(want[layer], result.lineage[layer], result.combination[layer]["version"])
            if label is None:
                continue
            comb = {k: dict(v) for k, v in result.combination.items()}
            comb[layer] = {"id": want[layer].id, "version": label}
            return {
                "key": combination_key(comb),
                "combination": comb,
                "tested": False,
                "verdict": result.verdict,
                "date": result.date,
                "disagree": False,
                "sources": [result.source()],
                "inherited_from": {
                    "rule": rule.id,
                    "title": rule.title,
                    "rationale": rule.rationale,
                    "rule_source": rule.source,
                    "run_id": result.run_id,
                    "run_uid": result.run_uid,
                    "host": result.host,
                    "combination": result.combination,
                },
                "changes": [],
            }
    return None


def bundle_cells(
    bundle: Bundle, cells: list[dict[str, Any]], rules: Sequence[Rule]
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """(inherited cells, gaps) for the combinations the bundle names that no run tested."""
    newest = [c["_decider"] for c in cells]
    inherited: dict[str, dict[str, Any]] = {}
    gaps = []
    for role in bundle.roles:
        for want in named_combinations(role):
            if any(matches(want, r) for r in newest):
                continue
            cell = _inherit(want, newest, rules)
            if cell is not None:
                cell.setdefault("roles", [])
                existing = inherited.setdefault(cell["key"], cell)
                existing.setdefault("roles", []).append(role.name)
                continue
            gaps.append({"role": role.name, "combination": wanted_label(want)})
    return list(inherited.values()), gaps


def build_matrix(
    runs: Sequence[RunRecord],
    bundle: Bundle | None = None,
    rules: Sequence[Rule] = (),
    now: datetime | None = None,
) -> dict[str, Any]:
    """matrix.json's content (see harness/schema/matrix.schema.json)."""
    from harness.bundles.verdict import bundle_verdict

    now = now or datetime.now(UTC)
    cells = tested_cells(runs)
    inherited: list[dict[str, Any]] = []
    gaps: list[dict[str, Any]] = []
    bundle_part = None
    if bundle is not None:
        inherited, gaps = bundle_cells(bundle, cells, rules)
        bundle_part = bundle_verdict(bundle, cells, gaps, runs, now)
    for cell in cells:
        cell.pop("_results", None)
        cell.pop("_decider", None)
    return {
        "schema": SCHEMA_ID,
        "generated": now.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "tool": {"name": TOOL_NAME, "version": __version__, "suite_digest": suite_digest(suites_dir(), catalog_dir())},
        "runs": [r.summary() for r in runs],
        "cells": cells + inherited,
        "gaps": gaps,
        "unkeyed": [u for r in runs for u in r.unkeyed],
        "rules": [r.as_dict() for r in rules],
        "bundle": bundle_part,
    }
