"""junit.xml through junitparser: one suite per host, one case per check, for CI dashboards.

Outcomes map once (harness.outcomes.JUNIT_KIND): fail -> <failure>, error -> <error>,
not_applicable and skipped -> <skipped>; an unreachable host is one <error> case with its reason
and detail, never failed checks.

What the output must satisfy, and why it is shaped so:

- Jenkins' xUnit schema (../shared/refdata/junit/junit-10.xsd, from jenkinsci/xunit-plugin), as
  written: no ``disabled`` counter anywhere, no ``skipped`` on <testsuites>, times matching
  SUREFIRE_TIME (digits and a decimal point: never ``8.3e-05``), and no <properties> inside a
  <testcase> (the schema allows them only on a <testsuite>). So the time attributes are written
  with three fixed decimals by the FixedTime attribute below, and a case's own properties (id,
  layer, severity, subject, host) are the first lines of its <system-out>, ``name: value``.
- GitLab's parser (gitlab-org/gitlab lib/gitlab/ci/parsers/test/junit.rb, create_test_case):
  for a <failure> or <error> it shows the element's *text* (``data['failure']``), then the case's
  system-out and system-err; the ``message`` attribute is not shown. An empty body shows nothing,
  so every failure and error carries its message, requirement, remedy and evidence paths in the
  body as well as in the attribute. The first ``[[ATTACHMENT|path]]`` in system-out becomes the
  case's attachment: the first evidence file.

JUnit is for CI and is written in English (the catalogs' msgids), whatever the report languages.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from junitparser import Attr, Error, Failure, JUnitXml, Skipped, TestCase, TestSuite

from harness.i18n import check_message
from harness.outcomes import JUNIT_KIND, Outcome

#: characters XML 1.0 cannot carry (control characters from a command's output)
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
#: a bound on one body or system-out text, so one chatty check cannot bloat the file
MAX_TEXT = 16_000


def xml_text(text: Any, limit: int = MAX_TEXT) -> str:
    """``text`` with what XML 1.0 cannot hold replaced, cut at ``limit`` characters."""
    out = _NOT_XML.sub("\ufffd", str(text))
    return out if len(out) <= limit else out[:limit] + " …"


class FixedTime(Attr):
    """A time in seconds, written with three fixed decimals (the xsd's SUREFIRE_TIME: no exponent)."""

    def __get__(self, instance: Any, cls: Any) -> float | None:
        raw = instance._elem.attrib.get(self.name)
        return float(raw) if raw else None

    def __set__(self, instance: Any, value: Any) -> None:
        instance._elem.attrib[self.name] = f"{max(0.0, float(value)):.3f}"


class Case(TestCase):
    _tag = "testcase"
    time = FixedTime()


class Suite(TestSuite):
    _tag = "testsuite"
    time = FixedTime()

    def update_statistics(self) -> None:
        tests = errors = failures = skipped = 0
        total = 0.0
        for elem in self._elem.iterfind("testcase"):
            case = Case.fromelem(elem)
            tests += 1
            total += case.time or 0.0
            for result in case.result:
                if isinstance(result, Failure):
                    failures += 1
                elif isinstance(result, Error):
                    errors += 1
                elif isinstance(result, Skipped):
                    skipped += 1
        self.tests, self.errors, self.failures, self.skipped = tests, errors, failures, skipped
        self.time = total


class Suites(JUnitXml):
    """<testsuites> with the counters the schema lists there (name, time, tests, failures, errors)."""

    _tag = "testsuites"
    time = FixedTime()

    def update_statistics(self) -> None:
        tests = failures = errors = 0
        total = 0.0
        for elem in self._elem.iterfind("testsuite"):
            suite = Suite.fromelem(elem)
            suite.update_statistics()
            tests += suite.tests or 0
            failures += suite.failures or 0
            errors += suite.errors or 0
            total += suite.time or 0.0
        self.tests, self.failures, self.errors = tests, failures, errors
        self.time = total


def case_name(check: dict[str, Any]) -> str:
    subject = f"[{check['subject']}]" if check.get("subject") else ""
    return " ".join(x for x in (check["id"], subject, check.get("title", "")) if x)


def case_properties(host: dict[str, Any], check: dict[str, Any]) -> list[tuple[str, str]]:
    return [
        ("id", check["id"]),
        ("layer", check["layer"]),
        ("severity", check["severity"]),
        ("subject", str(check.get("subject") or "")),
        ("host", host["name"]),
        ("outcome", check["outcome"]),
    ]


def body(check: dict[str, Any], message: str) -> str:
    """What GitLab and Jenkins show for a failure or an error: why, what was asked, what to do, where."""
    lines = [
        message,
        "",
        f"Requirement: {check.get('requirement', '')}",
        f"Remedy: {check.get('remedy', '')}",
    ]
    evidence = check.get("evidence") or []
    if evidence:
        lines += ["Evidence:", *(f"  {ref}" for ref in evidence)]
    return "\n".join(lines)


def system_out(host: dict[str, Any], check: dict[str, Any]) -> str:
    lines = [f"{name}: {value}" for name, value in case_properties(host, check)]
    evidence = check.get("evidence") or []
    if evidence:
        # GitLab takes the first ATTACHMENT tag of system-out as the case's attachment
        lines.append(f"[[ATTACHMENT|{evidence[0]}]]")
        lines += [f"evidence: {ref}" for ref in evidence]
    for name, m in (check.get("measurements") or {}).items():
        lines.append(f"measurement {name}: {m.get('value')} {m.get('unit', '')}".rstrip())
    return "\n".join(lines)


def build_case(host: dict[str, Any], check: dict[str, Any]) -> Case:
    case = Case(
        name=xml_text(case_name(check), 500),
        classname=f"xcert.{host['name']}.{check['layer']}",
        time=float(check.get("duration_s") or 0.0),
    )
    kind = JUNIT_KIND[Outcome(check["outcome"])]
    message = check_message("en", check) or check.get("message", "") or check["outcome"]
    if kind == "failure":
        result: Failure | Error | Skipped = Failure(xml_text(message, 2000), check["severity"])
        result.text = xml_text(body(check, message))
    elif kind == "error":
        result = Error(xml_text(message, 2000), "error")
        result.text = xml_text(body(check, message))
    elif kind == "skipped":
        result = Skipped(xml_text(f"{check['outcome']}: {message}", 2000), check["outcome"])
        result.text = xml_text(f"{check['outcome']}: {message}")
    if kind is not None:
        case.result = [result]
    case.system_out = xml_text(system_out(host, check))
    return case


def unreachable_case(host: dict[str, Any]) -> Case:
    info = host.get("unreachable") or {}
    reason = info.get("reason") or "unreachable"
    detail = info.get("detail") or ""
    case = Case(name="XC-HOST unreachable", classname=f"xcert.{host['name']}.host", time=0.0)
    message = f"unreachable: {reason}" + (f" ({detail})" if detail else "")
    result = Error(xml_text(message, 2000), "unreachable")
    lines = [message, "", "The host could not be reached: its checks were not run (not failed)."]
    if info.get("lost_mid_run"):
        lines.append("The connection was lost during the run.")
    result.text = xml_text("\n".join(lines))
    case.result = [result]
    case.system_out = xml_text(f"host: {host['name']}\nreason: {reason}\ndetail: {detail}")
    return case


def build_suites(results: dict[str, Any]) -> Suites:
    xml = Suites(name=f"xcert {results['run_id']}")
    for host in results["hosts"]:
        suite = Suite(name=f"xcert {host['name']}")
        suite.hostname = host["name"]
        suite.timestamp = results["started"]
        suite.add_property("host", host["name"])
        suite.add_property("verdict", host["verdict"])
        suite.add_property("profile", results["profile"])
        suite.add_property("run_id", results["run_id"])
        suite.add_property("reachable", "true" if host["reachable"] else "false")
        for name, value in _source_properties(host).items():  # a snapshot host says so
            suite.add_property(name, value)
        for check in host["checks"]:
            suite.append(build_case(host, check))
        if not host["reachable"]:
            suite.append(unreachable_case(host))
        suite.update_statistics()
        xml.append(suite)
    xml.update_statistics()
    return xml


def _source_properties(host: dict[str, Any]) -> dict[str, str]:
    """A host certified from a snapshot says so: kind, the snapshot's SHA-256 and who supplied it."""
    source = host.get("source") or {"kind": "live"}
    props = {"source": str(source.get("kind", "live"))}
    if source.get("kind") == "snapshot":
        props["snapshot_sha256"] = str(source.get("sha256") or "unknown")
        props["snapshot_supplied_by"] = str(source.get("supplied_by") or "not stated")
    return props


def write_junit(results: dict[str, Any], path: Path) -> Path:
    build_suites(results).write(str(path), pretty=False)
    return path
