"""junit.xml: valid against Jenkins' xUnit schema as written, and what GitLab's parser shows for each failure."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from lxml import etree

from harness.reporting.junit import write_junit
from tests.conftest import SHARED

XSD = SHARED / "refdata" / "junit" / "junit-10.xsd"


def _check(cid: str, outcome: str, **extra: Any) -> dict[str, Any]:
    return {
        "id": cid,
        "layer": "os",
        "severity": "mandatory",
        "title": "Time is synchronised",
        "requirement": "A time daemon keeps the clock in step.",
        "remedy": "Run chronyd.",
        "outcome": outcome,
        "message": f"message of {cid}",
        "message_key": "",
        "message_args": {},
        "duration_s": 8.3e-05,
        "evidence": [f"evidence/h1/{cid}-cmd.json", "evidence/h1/00001-facts.json"],
        "measurements": {"offset": {"value": 12, "unit": "ms"}},
        **extra,
    }


def results() -> dict[str, Any]:
    checks = [
        _check("XC-OS-001", "pass"),
        _check("XC-OS-002", "fail", message="GB18030 locale missing \x1b[31m (tty colour)"),
        _check("XC-OS-003", "error", message="error: timeout after 30 s", evidence=[]),
        _check("XC-OS-004", "not_applicable", message="Does not apply"),
        _check("XC-DB-001", "skipped", layer="db", subject="pg1", severity="advisory", message="profile full"),
        _check("XC-OS-005", "waived"),
    ]
    up = {
        "name": "h1",
        "slug": "h1",
        "reachable": True,
        "unreachable": None,
        "verdict": "NOT_CERTIFIED",
        "checks": checks,
    }
    down = {
        "name": "h2",
        "slug": "h2",
        "reachable": False,
        "unreachable": {"reason": "refused", "detail": "10.0.0.2:22 connection refused", "lost_mid_run": False},
        "verdict": "INCOMPLETE",
        "checks": [],
    }
    return {
        "run_id": "20261124T070000Z-abc123",
        "started": "2026-11-24T07:00:00Z",
        "profile": "quick",
        "verdict": "NOT_CERTIFIED",
        "hosts": [up, down],
    }


@pytest.fixture
def junit(tmp_path: Path) -> Path:
    return write_junit(results(), tmp_path / "junit.xml")


def test_validates_against_the_xunit_schema_unmodified(junit: Path) -> None:
    if not XSD.is_file():
        pytest.skip("../shared/refdata/junit/junit-10.xsd is not beside the checkout")
    schema = etree.XMLSchema(etree.parse(str(XSD)))
    assert schema.validate(etree.parse(str(junit))), schema.error_log
    text = junit.read_text(encoding="utf-8")
    assert "disabled" not in text
    times = re.findall(r'time="([^"]*)"', text)
    assert times and all(re.fullmatch(r"[0-9]+\.[0-9]{3}", t) for t in times), times


def _gitlab_cases(path: Path) -> dict[str, dict[str, str]]:
    """What GitLab's parser takes from each case (lib/gitlab/ci/parsers/test/junit.rb, create_test_case):
    the status from the first of failure/error/skipped, the shown output from that element's text,
    the attachment from the first [[ATTACHMENT|path]] of system-out."""
    out: dict[str, dict[str, str]] = {}
    for case in etree.parse(str(path)).iter("testcase"):
        found = {child.tag: child for child in case}
        status, shown = "success", ""
        for tag in ("failure", "error", "skipped"):
            if tag in found:
                status, shown = tag, found[tag].text or ""
                break
        system_out = found["system-out"].text if "system-out" in found else ""
        match = re.search(r"\[\[ATTACHMENT\|([^\[\]|]+?)\]\]", system_out or "")
        out[case.get("name", "").split()[0]] = {
            "status": status,
            "shown": shown,
            "attachment": match.group(1) if match else "",
            "system_out": system_out or "",
        }
    return out


def test_gitlab_shows_each_failures_reason_requirement_remedy_and_evidence(junit: Path) -> None:
    cases = _gitlab_cases(junit)
    fail = cases["XC-OS-002"]
    assert fail["status"] == "failure"
    assert "GB18030 locale missing" in fail["shown"] and "\x1b" not in fail["shown"]
    assert "Requirement: A time daemon keeps the clock in step." in fail["shown"]
    assert "Remedy: Run chronyd." in fail["shown"]
    assert "evidence/h1/XC-OS-002-cmd.json" in fail["shown"]
    assert fail["attachment"] == "evidence/h1/XC-OS-002-cmd.json"
    error = cases["XC-OS-003"]
    assert error["status"] == "error" and "timeout after 30 s" in error["shown"]
    assert cases["XC-OS-004"]["status"] == "skipped" and "not_applicable" in cases["XC-OS-004"]["shown"]
    assert cases["XC-OS-001"]["status"] == cases["XC-OS-005"]["status"] == "success"


def test_each_case_carries_its_properties(junit: Path) -> None:
    out = _gitlab_cases(junit)["XC-DB-001"]["system_out"]
    for line in ("id: XC-DB-001", "layer: db", "severity: advisory", "subject: pg1", "host: h1", "outcome: skipped"):
        assert line in out.splitlines()


def test_an_unreachable_host_is_one_error_with_its_detail_never_failures(junit: Path) -> None:
    doc = etree.parse(str(junit))
    suite = next(s for s in doc.iter("testsuite") if s.get("hostname") == "h2")
    assert (suite.get("tests"), suite.get("failures"), suite.get("errors")) == ("1", "0", "1")
    error = suite.find("testcase/error")
    assert error is not None and error.get("type") == "unreachable"
    assert "10.0.0.2:22 connection refused" in (error.text or "") and "refused" in (error.get("message") or "")
    root = doc.getroot()
    assert (root.get("tests"), root.get("failures"), root.get("errors")) == ("7", "1", "2")
