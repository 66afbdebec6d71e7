"""What the report's shape promises: the run id names the report, exclusions are grouped with a count."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from harness.reporting.context import build_context
from harness.reporting.html import render_html
from harness.rundir import RUN_ID


def test_the_report_id_is_the_run_id_not_the_folder_name(snapshot_run: Path, run_results: dict[str, Any]) -> None:
    assert snapshot_run.name == "run"  # --out named the folder
    assert RUN_ID.fullmatch(run_results["run_id"]), run_results["run_id"]
    page = render_html(run_results, "en", snapshot_run)
    assert f"XC-{run_results['run_id']}" in page and "XC-run" not in page


def test_identical_exclusions_are_one_row_with_a_count(snapshot_run: Path, run_results: dict[str, Any]) -> None:
    ctx = build_context(run_results, snapshot_run)
    groups, rows = ctx["exclusion_groups"], ctx["exclusions"]
    assert len(groups) < len(rows)
    assert sum(g["count"] for g in groups) == len(rows)
    db = next(g for g in groups if g["check"]["id"] == "XC-DB-001")
    assert db["count"] == len(db["hosts"]) >= 3  # the same reason on every reachable host
    page = render_html(run_results, "en", snapshot_run)
    assert re.search(r"×\d+", page)
