"""junit.xml through the junit-xml package: one suite per host, one case per check.

Outcomes map once (harness.outcomes.JUNIT_KIND): fail -> <failure>, error -> <error>,
not_applicable and skipped -> <skipped>; an unreachable host is one <error> case, never failures.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from junit_xml import TestCase, TestSuite, to_xml_report_string

from harness.outcomes import JUNIT_KIND, Outcome


def build_suites(results: dict[str, Any]) -> list[TestSuite]:
    suites = []
    for host in results["hosts"]:
        cases = []
        for check in host["checks"]:
            case = TestCase(
                name=" ".join(
                    x
                    for x in (
                        check["id"],
                        f"[{check['subject']}]" if check.get("subject") else "",
                        check.get("title", ""),
                    )
                    if x
                ),
                classname=f"xcert.{host['name']}.{check['layer']}",
                elapsed_sec=float(check.get("duration_s", 0.0)),
                stdout="\n".join(check.get("evidence", [])) or None,
            )
            kind = JUNIT_KIND[Outcome(check["outcome"])]
            message = check.get("message", "") or check["outcome"]
            if kind == "failure":
                case.add_failure_info(message=message, failure_type=check["severity"])
            elif kind == "error":
                case.add_error_info(message=message, error_type="error")
            elif kind == "skipped":
                case.add_skipped_info(message=f"{check['outcome']}: {message}")
            cases.append(case)
        if not host["reachable"]:
            reason = (host.get("unreachable") or {}).get("reason", "unreachable")
            case = TestCase(name="XC-HOST unreachable", classname=f"xcert.{host['name']}.host")
            case.add_error_info(message=f"unreachable: {reason}", error_type="unreachable")
            cases.append(case)
        suites.append(
            TestSuite(
                name=f"xcert {host['name']}",
                test_cases=cases,
                hostname=host["name"],
                id=host.get("slug"),
                package="xcert",
                timestamp=results["started"],
                properties={"verdict": host["verdict"], "profile": results["profile"], **_source_properties(host)},
            )
        )
    return suites


def _source_properties(host: dict[str, Any]) -> dict[str, str]:
    """A host certified from a snapshot says so: kind, the snapshot's SHA-256 and who supplied it."""
    source = host.get("source") or {"kind": "live"}
    props = {"source": str(source.get("kind", "live"))}
    if source.get("kind") == "snapshot":
        props["snapshot_sha256"] = str(source.get("sha256") or "unknown")
        props["snapshot_supplied_by"] = str(source.get("supplied_by") or "not stated")
    return props


def write_junit(results: dict[str, Any], path: Path) -> Path:
    path.write_text(to_xml_report_string(build_suites(results), encoding="utf-8"), encoding="utf-8")
    return path
