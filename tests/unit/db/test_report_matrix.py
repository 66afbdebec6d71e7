from __future__ import annotations

from harness.db.report import feature_matrix
from harness.reporting.html import render_html


def _check(subject: str, outcome: str, supported: bool) -> dict:  # type: ignore[type-arg]
    return {
        "id": "XC-DB-014",
        "subject": subject,
        "layer": "db",
        "severity": "mandatory",
        "title": "Transactions",
        "requirement": "r",
        "remedy": "m",
        "outcome": outcome,
        "message": "",
        "duration_s": 0.1,
        "evidence": [],
        "measurements": {"supported": {"value": supported, "unit": "bool"}},
    }


def test_one_column_per_database() -> None:
    host = {"checks": [_check("pg", "pass", True), _check("maria", "fail", False)]}
    matrix = feature_matrix(host)
    assert matrix["subjects"] == ["pg", "maria"]
    assert matrix["rows"][0]["cells"]["maria"] == {"outcome": "fail", "supported": False}


def test_the_report_shows_the_table_and_each_subject() -> None:
    from tests.unit.test_results import DIGEST

    host = {
        "name": "db1",
        "slug": "db1",
        "reachable": True,
        "lab": False,
        "stack": {"declared": {}, "detected": {}},
        "facts": {},
        "verdict": "NOT_CERTIFIED",
        "complete": True,
        "undecided": [],
        "unreachable": None,
        "checks": [_check("pg", "pass", True), _check("maria", "fail", False)],
    }
    results = {
        "schema": "xcert-results/1",
        "run_id": "r",
        "started": "2026-01-01T00:00:00Z",
        "finished": "2026-01-01T00:00:01Z",
        "tool": {"name": "xcert", "version": "0", "suite_digest": DIGEST},
        "profile": "full",
        "verdict": "NOT_CERTIFIED",
        "hosts": [host],
        "complete": True,
    }
    html = render_html(results, "zh")
    assert "SQL 功能表" in html and "[pg]" in html and "[maria]" in html
