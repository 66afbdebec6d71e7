"""The harness's pytest plugin, driven directly with pytest's ``pytester``: one path per outcome.

Each run is a real pytest process with the plugin against this machine (the local transport),
journaling into a run directory; the journal is what results.json is folded from.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

import pytest

from harness.journal import read_journal

CHECK = """
import os, signal, time
import pytest
from harness.checks import N_, check

def meta(cid, **kw):
    kw.setdefault("severity", "mandatory")
    return check(cid, layer="os", title=N_("t"), requirement=N_("r"), remedy=N_("m"), **kw)
"""

SUITE = (
    CHECK
    + """
@pytest.fixture
def broken_fixture():
    assert 1 == 2, "a fixture's sanity check"

def _helper(value):
    assert value == 3  # an assert in helper code is not the check's own verdict

@meta("XC-OS-901")
def test_pass(target, xc):
    target.run("true")

@meta("XC-OS-902")
def test_fail_by_xc(target, xc):
    target.run("true")
    xc.fail(N_("does not hold: {what}"), what="x")

@meta("XC-OS-903")
def test_fail_by_assert(target, xc):
    xc.note(N_("noted before the assertion"))
    out = target.run("echo 2").text.strip()
    assert int(out) == 3

@meta("XC-OS-904")
def test_error_from_fixture(target, broken_fixture):
    target.run("true")

@meta("XC-OS-905")
def test_error_from_harness_code(target):
    target.run("true")
    saved, target.transport = target.transport, None
    try:
        target._run_with_retries("true", 1.0, None)  # the harness's own sanity assert fires
    finally:
        target.transport = saved

@meta("XC-OS-906")
def test_error_from_helper_assert(target):
    target.run("true")
    _helper(2)

@meta("XC-OS-907", timeout_s=0.5)
def test_timeout(target):
    target.run("sleep 31.7", timeout_s=60)

@meta("XC-OS-908", applies_to={"declared.db": ["*"]})
def test_not_applicable_by_selector(target):
    target.run("true")

@meta("XC-OS-909")
def test_not_applicable_by_xc(target, xc):
    xc.not_applicable(N_("nothing to look at"))

@meta("XC-OS-910", profiles=("full",))
def test_skipped_by_profile(target):
    target.run("true")

@meta("XC-OS-911")
def test_pass_without_evidence_is_error(xc):
    pass

@meta("XC-OS-912")
def test_runtime_error(target):
    raise RuntimeError("probe output unreadable")

def test_without_check_decorator(target):
    target.run("true")
"""
)


def _run_dir(tmp: Path) -> Path:
    run = tmp / "run"
    run.mkdir()
    host = {"name": "local", "slug": "local", "connection": "local", "address": "localhost", "declared": {}}
    meta = {"schema": "xcert-run/1", "run_id": "t", "started": "2026-01-01T00:00:00Z", "hosts": [host]}
    (run / "run.json").write_text(json.dumps(meta), encoding="utf-8")
    return run


def _pytest(pytester: pytest.Pytester, run: Path, *extra: str) -> pytest.RunResult:
    return pytester.runpytest_subprocess(
        "-p",
        "harness.pytest_plugin",
        "-p",
        "no:pytest11.testinfra",
        "-p",
        "no:cacheprovider",
        "--continue-on-collection-errors",
        "--xcert-run",
        str(run),
        "--xcert-host",
        "local",
        *extra,
        timeout=120,
    )


def _checks(run: Path) -> dict[str, dict[str, Any]]:
    out = {}
    for rec in read_journal(run / "journal" / "local.jsonl"):
        if rec["type"] == "check":
            out[rec["id"] + (f"[{rec['subject']}]" if rec["subject"] else "")] = rec
    return out


@pytest.fixture
def suite_run(pytester: pytest.Pytester) -> tuple[pytest.RunResult, dict[str, dict[str, Any]], Path]:
    pytester.makepyfile(test_suite=SUITE)
    pytester.makepyfile(test_broken="import no_such_module_xcert\n")
    run = _run_dir(pytester.path)
    result = _pytest(pytester, run)
    return result, _checks(run), run


def test_each_outcome_path(suite_run: tuple[pytest.RunResult, dict[str, dict[str, Any]], Path]) -> None:
    result, checks, _ = suite_run
    got = {key: rec["outcome"] for key, rec in checks.items()}
    assert got == {
        "XC-OS-901": "pass",
        "XC-OS-902": "fail",
        "XC-OS-903": "fail",
        "XC-OS-904": "error",
        "XC-OS-905": "error",
        "XC-OS-906": "error",
        "XC-OS-907": "error",
        "XC-OS-908": "not_applicable",
        "XC-OS-909": "not_applicable",
        "XC-OS-910": "skipped",
        "XC-OS-911": "error",
        "XC-OS-912": "error",
        "XC-INT-000[test_broken.py]": "error",
        "XC-INT-000[test_suite.py::test_without_check_decorator]": "error",
    }, result.stdout.str()


def test_messages_say_why(suite_run: tuple[pytest.RunResult, dict[str, dict[str, Any]], Path]) -> None:
    _, checks, _ = suite_run
    # pytest's assertion explanation is the failed check's message
    assert "assert 2 == 3" in checks["XC-OS-903"]["message"] and checks["XC-OS-903"]["message_key"] == ""
    assert checks["XC-OS-902"]["message"] == "does not hold: x"
    assert "fixture" in checks["XC-OS-904"]["message"] and "harness assertion" in checks["XC-OS-904"]["message"]
    assert checks["XC-OS-905"]["message"].startswith("harness assertion outside the check body")
    assert checks["XC-OS-907"]["message_key"] == "timeout after {seconds} s"
    assert checks["XC-OS-907"]["message_args"] == {"seconds": "0.5"}
    assert checks["XC-OS-911"]["message_key"].startswith("the check decided without looking at the host")
    assert checks["XC-OS-912"]["message"] == "RuntimeError: probe output unreadable"
    assert "no_such_module_xcert" in checks["XC-INT-000[test_broken.py]"]["message"]
    # an error keeps its traceback as evidence
    assert any("traceback" in ref for ref in checks["XC-OS-912"]["evidence"])


def test_a_timed_out_check_leaves_nothing_running(suite_run: tuple[pytest.RunResult, Any, Path]) -> None:
    found = subprocess.run(["pgrep", "-f", "sleep 31[.]7"], capture_output=True, text=True, check=False)
    assert found.stdout == ""


def test_plan_lists_the_broken_rows_and_the_host_ends(suite_run: tuple[pytest.RunResult, Any, Path]) -> None:
    _, _, run = suite_run
    records = list(read_journal(run / "journal" / "local.jsonl"))
    plan = next(r for r in records if r["type"] == "plan")
    assert {"XC-INT-000", "XC-OS-901"} <= {c["id"] for c in plan["checks"]}
    assert records[-1]["type"] == "host_end" and records[-1]["interrupted"] is False


def test_skip_in_the_body_is_skipped(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_skip=CHECK + '\n@meta("XC-OS-920")\ndef test_s(target):\n    pytest.skip("later")\n')
    run = _run_dir(pytester.path)
    _pytest(pytester, run)
    rec = _checks(run)["XC-OS-920"]
    assert (rec["outcome"], rec["message"]) == ("skipped", "later")


def test_interrupted_finishes_the_check_in_flight_and_starts_no_other(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        test_stop=CHECK
        + """
@meta("XC-OS-930")
def test_first(target):
    os.kill(os.getpid(), signal.SIGUSR1)  # what the first Ctrl-C of xcert certify sends the worker
    target.run("true")

@meta("XC-OS-931")
def test_second(target):
    target.run("true")
"""
    )
    run = _run_dir(pytester.path)
    _pytest(pytester, run)
    records = list(read_journal(run / "journal" / "local.jsonl"))
    assert {k: r["outcome"] for k, r in _checks(run).items()} == {"XC-OS-930": "pass"}
    assert records[-1]["type"] == "host_end" and records[-1]["interrupted"] is True


def test_testinfra_plugin_loaded_is_refused(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_x=CHECK + '\n@meta("XC-OS-940")\ndef test_x(host):\n    host.run("true")\n')
    run = _run_dir(pytester.path)
    result = pytester.runpytest_subprocess(
        "-p", "harness.pytest_plugin", "--xcert-run", str(run), "--xcert-host", "local", timeout=120
    )
    assert "testinfra's pytest plugin is loaded" in result.stderr.str()
    assert result.ret != 0
