"""What a report shows, computed once from results.json (and the run directory's lab config and
evidence hashes): the view model the HTML template (and so the PDF) renders.
"""

from __future__ import annotations

import calendar
import json
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from harness.db.report import feature_matrix
from harness.layers import LAYERS
from harness.reporting.identity import shown, version_text
from harness.reporting.labconfig import run_lab_config

#: outcomes the report lists as deviations and exclusions, each with its reason
EXCLUDED = ("not_applicable", "skipped", "waived")
OUTCOME_ORDER = ("pass", "fail", "error", "waived", "not_applicable", "skipped")


def add_months(day: date, months: int) -> date:
    month = day.month - 1 + months
    year = day.year + month // 12
    month = month % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def qr_data_uri(text: str) -> str:
    """A QR code of ``text`` as an SVG data URI (segno: pure Python, no image library)."""
    import segno

    uri: str = segno.make(text, error="m").svg_data_uri(scale=3, border=2)
    return uri


def seal_of(run_dir: Path | None, seal: dict[str, Any] | None) -> tuple[dict[str, Any], dict[str, str]]:
    """The evidence digest (computed from the run directory when no bundle seal is given) and file hashes."""
    from harness.signing.manifest import run_evidence_digest

    hashes: dict[str, str] = {}
    digest = None
    if run_dir is not None:
        digest, hashes = run_evidence_digest(run_dir)
    out = {"evidence_digest": digest, "key_fingerprint": None, "redacted": False}
    out.update(seal or {})
    return out, hashes


def _stack_rows(host: dict[str, Any]) -> list[dict[str, Any]]:
    declared = host["stack"].get("declared") or {}
    detected = host["stack"].get("detected") or {}
    rows: list[dict[str, Any]] = []
    for layer in [*LAYERS, *sorted(set(declared) | set(detected))]:
        if any(r["layer"] == layer for r in rows) or (layer not in declared and layer not in detected):
            continue
        comp = detected.get(layer) or {}
        release = (comp.get("details") or {}).get("release") or {}
        rows.append(
            {
                "layer": layer,
                "declared": declared.get(layer),
                "product": comp.get("product"),
                "vendor": comp.get("vendor"),
                "version": version_text(comp.get("version"), release),
                "shown": shown(comp.get("product"), comp.get("version"), release),
                # the catalog's Chinese name, for Chinese editions ("银河麒麟高级服务器操作系统 V10 SP2")
                "shown_zh": shown(comp.get("name_zh"), comp.get("version"), release) if comp.get("name_zh") else None,
                "arch": comp.get("arch"),
                "xinchuang": comp.get("xinchuang"),
                "confidence": comp.get("confidence") if comp.get("catalog_id") or comp.get("product") else None,
                # in words (a message reports translate); results from before descriptions: the rule text
                "described": comp.get("description") or None,
                "rule": comp.get("rule") or comp.get("reason") or "",
            }
        )
    return rows


def group_exclusions(exclusions: list[dict[str, Any]], every_host: list[str] | None = None) -> list[dict[str, Any]]:
    """One row per check, outcome and reason, with the hosts it concerns and how many times it
    occurred (thirty identical not-applicable rows become one row with a count). A group that concerns
    every host of the run (``every_host``, two or more) says so (``every_host``: True) instead of naming
    each one, and one that concerns all but a few names the few (``except_hosts``): with 24 hosts the
    narrow Host column stacked 24 names a row, for every group."""
    groups: dict[tuple[str, str, str], dict[str, Any]] = {}
    for x in exclusions:
        check = x["check"]
        why = (check.get("waiver") or {}).get("justification") or json.dumps(
            [check.get("message_key") or check.get("message", ""), check.get("message_args") or {}], sort_keys=True
        )
        key = (check["id"], check["outcome"], why)
        group = groups.setdefault(key, {"check": check, "hosts": [], "count": 0})
        if x["host"] not in group["hosts"]:
            group["hosts"].append(x["host"])
        group["count"] += 1
    everyone = list(dict.fromkeys(every_host or ()))
    for group in groups.values():
        concerned = set(group["hosts"])
        others = [name for name in everyone if name not in concerned]
        group["every_host"] = len(everyone) > 1 and not others and concerned <= set(everyone)
        # "all hosts except b": only where that is shorter than the list, and names only hosts of the run
        group["except_hosts"] = others if 0 < len(others) < len(concerned) and concerned <= set(everyone) else []
    return list(groups.values())


def build_context(
    results: dict[str, Any],
    run_dir: Path | None = None,
    seal: dict[str, Any] | None = None,
    issued: date | None = None,
) -> dict[str, Any]:
    issued = issued or datetime.now(UTC).date()
    lab = run_lab_config(run_dir)
    seal_view, hashes = seal_of(run_dir, seal)
    validity = (lab or {}).get("report", {}).get("validity_months")
    hosts = []
    waivers = []
    exclusions = []
    for host in results["hosts"]:
        by_layer: dict[str, list[dict[str, Any]]] = {}
        counts = dict.fromkeys(OUTCOME_ORDER, 0)
        for check in host["checks"]:
            by_layer.setdefault(check["layer"], []).append(check)
            counts[check["outcome"]] = counts.get(check["outcome"], 0) + 1
            if check.get("waiver"):
                waivers.append({"host": host["name"], "check": check})
            if check["outcome"] in EXCLUDED:
                exclusions.append({"host": host["name"], "check": check})
        order = dict.fromkeys([*(layer for layer in LAYERS if layer in by_layer), *sorted(by_layer)])
        layers = [(layer, by_layer[layer]) for layer in order]
        problems = [c for c in host["checks"] if c["outcome"] in ("fail", "error")]
        stack = _stack_rows(host)
        features = feature_matrix(host)
        # the SQL feature table is shown when one of its cells was decided on the host
        features["decided"] = any(
            cell.get("outcome") not in ("not_applicable", "skipped")
            for row in features["rows"]
            for cell in row["cells"].values()
        )
        hosts.append(
            {
                "host": host,
                "stack": stack,
                "stack_by_layer": {row["layer"]: row for row in stack},
                "layers": layers,
                "counts": counts,
                "problems": problems,
                "mandatory_failed": [c for c in problems if c["severity"] == "mandatory"],
                "features": features,
            }
        )
    digest = seal_view.get("evidence_digest")
    return {
        "results": results,
        "hosts": hosts,
        "lab": lab,
        "seal": seal_view,
        "qr": qr_data_uri(digest) if digest else None,
        "evidence_files": sorted(hashes.items()),
        "waivers": waivers,
        "exclusions": exclusions,
        "exclusion_groups": group_exclusions(exclusions, [h["name"] for h in results["hosts"]]),
        "issued": issued.isoformat(),
        "valid_until": add_months(issued, int(validity)).isoformat() if validity else None,
        "report_id": f"XC-{results['run_id']}",
        "outcome_order": OUTCOME_ORDER,
    }
