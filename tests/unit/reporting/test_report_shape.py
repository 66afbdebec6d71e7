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


def test_an_exclusion_on_every_host_says_so_instead_of_naming_each(
    snapshot_run: Path, run_results: dict[str, Any]
) -> None:
    """With 24 hosts the narrow Host column stacked 24 names a row; a group of every host says "All hosts (N)"."""
    from harness.reporting.context import group_exclusions

    def row(host: str, check_id: str) -> dict[str, Any]:
        return {"host": host, "check": {"id": check_id, "outcome": "skipped", "message": "not in the profile"}}

    groups = group_exclusions(
        [row("a", "X-1"), row("b", "X-1"), row("c", "X-1"), row("a", "X-2"), row("a", "X-3"), row("c", "X-3")],
        ["a", "b", "c"],
    )
    assert [g["every_host"] for g in groups] == [True, False, False]
    assert [g["except_hosts"] for g in groups] == [[], [], ["b"]]  # "all hosts except b"; "a" is shorter as it is
    assert not group_exclusions([row("a", "X-1")], ["a"])[0]["every_host"]  # one host: its name, not "all"
    # a run of the hosts XC-DB-001 is not applicable on: its row says all of them, and names none
    db_hosts = next(
        g for g in build_context(run_results, snapshot_run)["exclusion_groups"] if g["check"]["id"] == "XC-DB-001"
    )["hosts"]
    results = dict(run_results, hosts=[h for h in run_results["hosts"] if h["name"] in db_hosts])
    page = render_html(results, "en", snapshot_run)
    section = page[page.index("Deviations and exclusions</h2>") :]
    assert f"All hosts ({len(db_hosts)})" in section
    zh = render_html(results, "zh", snapshot_run)
    assert f"全部主机（{len(db_hosts)} 台）" in zh
    # the whole run: the hosts XC-DB-001 does not concern are named, those it does are not
    others = [h["name"] for h in run_results["hosts"] if h["name"] not in db_hosts]
    assert 0 < len(others) < len(db_hosts), others  # the unreachable host
    section = render_html(run_results, "en", snapshot_run).split("Deviations and exclusions</h2>")[1]
    assert f"All hosts except {', '.join(others)}" in section


def test_the_sql_feature_table_is_shown_only_where_a_feature_was_decided(run_results: dict[str, Any]) -> None:
    """A host without a database has every feature check not applicable: its feature table would only repeat
    the results rows; a host where one feature was checked keeps it."""
    import copy

    from harness.db.report import is_feature

    host = next(h for h in run_results["hosts"] if any(is_feature(c) for c in h["checks"]))
    assert all(c["outcome"] in ("not_applicable", "skipped") for c in host["checks"] if is_feature(c))
    assert "SQL feature table" not in render_html(dict(run_results, hosts=[host]), "en")
    checked = copy.deepcopy(host)
    feature = next(c for c in checked["checks"] if is_feature(c))
    feature["outcome"] = "pass"
    page = render_html(dict(run_results, hosts=[checked]), "en")
    assert "SQL feature table" in page
    assert ctx_features(checked)["decided"] and not ctx_features(host)["decided"]


def ctx_features(host: dict[str, Any]) -> dict[str, Any]:
    features: dict[str, Any] = build_context({"hosts": [host], "run_id": "x"})["hosts"][0]["features"]
    return features
