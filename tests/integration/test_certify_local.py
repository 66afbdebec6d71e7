"""`xcert certify` on this very machine, as a new user runs it, and a run killed halfway."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from harness.results import validate
from tests.conftest import ROOT, SHARED, xcert
from tests.integration.processes import kill_run

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def local_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[subprocess.CompletedProcess[str], Path]:
    out = tmp_path_factory.mktemp("local") / "run"
    proc = xcert("certify", "--out", str(out))
    return proc, out


def _results(out: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((out / "results.json").read_text(encoding="utf-8"))
    return data


def test_exit_code_follows_the_verdict(local_run: tuple[subprocess.CompletedProcess[str], Path]) -> None:
    proc, out = local_run
    results = _results(out)
    assert proc.returncode == {"CERTIFIED": 0, "NOT_CERTIFIED": 1, "INCOMPLETE": 2}[results["verdict"]], proc.stderr
    assert proc.stdout.strip().splitlines()[-1] == str(out)  # prints the run directory


def test_results_validate_and_hold_at_least_12_checks(local_run: tuple[subprocess.CompletedProcess[str], Path]) -> None:
    _, out = local_run
    results = _results(out)
    assert validate(results) == []
    checks = results["hosts"][0]["checks"]
    assert len(checks) >= 12
    assert len({c["id"] for c in checks}) == len(checks)


def test_every_pass_or_fail_is_backed_by_evidence_on_disk(
    local_run: tuple[subprocess.CompletedProcess[str], Path],
) -> None:
    _, out = local_run
    for check in _results(out)["hosts"][0]["checks"]:
        if check["outcome"] in ("pass", "fail"):
            assert check["evidence"], check["id"]
            for ref in check["evidence"]:
                record = json.loads((out / ref).read_text(encoding="utf-8"))
                if record.get("kind") == "command":
                    assert {"command", "rc", "stdout", "stderr", "duration_s", "started"} <= set(record)


def test_a_debian_machine_is_honestly_not_a_xinchuang_platform(
    local_run: tuple[subprocess.CompletedProcess[str], Path],
) -> None:
    _, out = local_run
    os_release = Path("/etc/os-release").read_text(encoding="utf-8")
    if "ID=debian" not in os_release and "ID=ubuntu" not in os_release:
        pytest.skip("not a Debian or Ubuntu machine")
    checks = {c["id"]: c for c in _results(out)["hosts"][0]["checks"]}
    assert checks["XC-OS-002"]["outcome"] == "fail"
    assert _results(out)["verdict"] == "NOT_CERTIFIED"


def test_junit_validates_against_the_shared_xsd(local_run: tuple[subprocess.CompletedProcess[str], Path]) -> None:
    from lxml import etree

    _, out = local_run
    xsd = SHARED / "refdata" / "junit" / "junit-10.xsd"
    if not xsd.is_file():
        pytest.skip("shared XSD not beside the checkout")
    schema = etree.XMLSchema(etree.parse(str(xsd)))
    doc = etree.parse(str(out / "junit.xml"))  # as written: nothing stripped
    assert schema.validate(doc), schema.error_log


def test_junit_reads_back_with_the_same_counts_and_ids(
    local_run: tuple[subprocess.CompletedProcess[str], Path],
) -> None:
    from junitparser import Error, Failure, JUnitXml, Skipped

    _, out = local_run
    results = _results(out)
    xml = JUnitXml.fromfile(str(out / "junit.xml"))
    cases = [case for suite in xml for case in suite]
    ids = [case.name.split()[0] for case in cases]
    checks = results["hosts"][0]["checks"]
    assert ids == [c["id"] for c in checks]
    kinds: dict[str, int] = {"failure": 0, "error": 0, "skipped": 0}
    for case in cases:
        for r in case.result:
            if isinstance(r, Failure):
                kinds["failure"] += 1
            elif isinstance(r, Error):
                kinds["error"] += 1
            elif isinstance(r, Skipped):
                kinds["skipped"] += 1
    count = {o: sum(1 for c in checks if c["outcome"] == o) for o in ("fail", "error", "skipped", "not_applicable")}
    assert kinds == {
        "failure": count["fail"],
        "error": count["error"],
        "skipped": count["skipped"] + count["not_applicable"],
    }


def test_html_report_shows_verdict_stack_and_failures(local_run: tuple[subprocess.CompletedProcess[str], Path]) -> None:
    _, out = local_run
    html = (out / "report.html").read_text(encoding="utf-8")
    results = _results(out)
    assert results["verdict"] in html
    assert results["hosts"][0]["stack"]["detected"]["os"]["product"] in html
    for check in results["hosts"][0]["checks"]:
        assert check["id"] in html
        if check["outcome"] == "fail":
            assert check["remedy"].split("'")[0][:30] in html.replace("&#39;", "'")


def test_report_rerenders_from_results_alone(local_run: tuple[subprocess.CompletedProcess[str], Path]) -> None:
    _, out = local_run
    before = _results(out)
    (out / "report.html").unlink()
    (out / "junit.xml").unlink()
    proc = xcert("report", str(out))
    assert proc.returncode == {"CERTIFIED": 0, "NOT_CERTIFIED": 1, "INCOMPLETE": 2}[before["verdict"]]
    assert (out / "report.html").is_file() and (out / "junit.xml").is_file()
    after = _results(out)
    assert [c["id"] for c in after["hosts"][0]["checks"]] == [c["id"] for c in before["hosts"][0]["checks"]]


SLOW_CHECK = """
from harness.checks import N_, check

def _make(n):
    @check(f"XC-OS-{n:03d}", layer="os", severity="mandatory", title=N_("slow"), requirement=N_("slow"), remedy=N_("slow"))
    def _t(target, xc):
        target.run("sleep 0.4")
        xc.note(N_("slow"))
    _t.__name__ = f"test_slow_{n:03d}"
    return _t

for _n in range(1, 21):
    globals()[f"test_slow_{_n:03d}"] = _make(_n)
"""


def test_kill_9_halfway_keeps_every_decided_check(tmp_path: Path) -> None:
    suites = tmp_path / "suites"
    (suites / "os").mkdir(parents=True)
    (suites / "__init__.py").write_text("")
    (suites / "os" / "__init__.py").write_text("")
    (suites / "os" / "test_slow.py").write_text(SLOW_CHECK)
    out = tmp_path / "run"
    env = {**os.environ, "XCERT_SUITES": str(suites)}
    proc = subprocess.Popen(
        [sys.executable, "-m", "harness", "certify", "--out", str(out)],
        cwd=ROOT,
        env=env,
        start_new_session=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    journal = out / "journal" / "localhost.jsonl"
    deadline = time.monotonic() + 60
    decided_at_kill = 0
    try:
        while time.monotonic() < deadline:
            if journal.exists():
                decided_at_kill = journal.read_text(encoding="utf-8").count('"type": "check"')
                if decided_at_kill >= 5:
                    break
            time.sleep(0.05)
        kill_run(proc.pid)  # the whole run, its workers included, as a crash (or the OOM killer) would
    finally:
        proc.wait(timeout=30)
    size = journal.stat().st_size
    time.sleep(1.0)  # nothing of the run is left to write: the journal stays as the kill left it
    assert journal.stat().st_size == size
    assert decided_at_kill >= 5
    assert not (out / "results.json").exists()
    recorded = [
        json.loads(ln)["id"] for ln in journal.read_text(encoding="utf-8").splitlines() if '"type": "check"' in ln
    ]
    assert len(recorded) < 20, "the run finished before the kill"

    rebuilt = xcert("report", str(out), env={"XCERT_SUITES": str(suites)})
    assert rebuilt.returncode == 2, rebuilt.stderr  # INCOMPLETE: undecided mandatory checks
    results = _results(out)
    assert validate(results) == []
    host = results["hosts"][0]
    assert [c["id"] for c in host["checks"]] == sorted(recorded)
    assert set(host["undecided"]) == {f"XC-OS-{n:03d}" for n in range(1, 21)} - set(recorded)
    assert results["complete"] is False
    assert host["verdict"] == "INCOMPLETE"
