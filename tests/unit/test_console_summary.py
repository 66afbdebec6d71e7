"""The console says why: failed and errored checks (id, host, reason, remedy), where the report is, whole verdicts."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from harness.console_summary import reasons, report_lines

ROOT = Path(__file__).resolve().parents[2]


def test_a_piped_certify_explains_every_failure_and_keeps_verdicts_whole(tmp_path: Path) -> None:
    out = tmp_path / "run"
    env = dict(os.environ, COLUMNS="80")
    proc = subprocess.run(
        [sys.executable, "-m", "harness", "certify", "--out", str(out)],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=600, check=False,
    )  # fmt: skip
    assert proc.returncode in (0, 1, 2), proc.stderr[-2000:]
    results = json.loads((out / "results.json").read_text(encoding="utf-8"))
    lines = proc.stderr.splitlines()
    host = results["hosts"][0]
    # the verdict cell is whole on the host's row of the table, however narrow the console
    assert any(host["name"] in line and host["verdict"] in line for line in lines), proc.stderr
    for check in host["checks"]:
        if check["outcome"] in ("fail", "error"):
            head = f"  {check['outcome'].upper():<5} {check['id']}"
            mine = [line for line in lines if line.startswith(head)]
            assert mine, (check["id"], proc.stderr)
            assert f"  {host['name']}  " in mine[0] and " ".join(check["message"].split())[:60] in mine[0]
    if any(c["outcome"] == "fail" for c in host["checks"]):
        assert any(line.startswith("        remedy: ") for line in lines)
        assert "why:" in lines
    assert f"report: {out / 'report.html'}" in lines
    assert lines[-1] == f"verdict: {results['verdict']}"
    assert proc.stdout.strip() == str(out)


def test_the_table_keeps_every_column_and_whole_verdicts_at_80_columns() -> None:
    from io import StringIO

    from rich.console import Console

    from harness.progress import summary_table

    names = ["db-primary.example-datacentre.internal", "app1", "kylin-v10-arm64-lab-host-number-3"]
    verdicts = ["NOT_CERTIFIED", "INCOMPLETE", "CERTIFIED"]
    results = {
        "run_id": "20261201T000000Z-abcdef",
        "profile": "quick",
        "hosts": [
            {"name": n, "verdict": v, "reachable": v != "INCOMPLETE", "undecided": [],
             "unreachable": {"reason": "timeout"} if v == "INCOMPLETE" else None,
             "checks": [{"outcome": "pass"}] * 12}
            for n, v in zip(names, verdicts, strict=True)
        ],
    }  # fmt: skip
    buf = StringIO()
    Console(file=buf, width=80, force_terminal=False).print(summary_table(results))
    text = buf.getvalue()
    assert max(len(line) for line in text.splitlines()) <= 80
    for verdict in verdicts:
        assert any(verdict in line for line in text.splitlines()), text
    for column in ("pass", "fail", "error", "n/a", "skipped", "waived", "note"):
        assert column in text, text


def test_unreachable_hosts_and_errors_are_listed_after_failures() -> None:
    results = {
        "hosts": [
            {"name": "a", "reachable": True, "checks": [
                {"id": "XC-OS-006", "outcome": "error", "message": "timeout after 30 s"},
                {"id": "XC-OS-005", "outcome": "fail", "message": "zh_CN.UTF-8\nis not installed", "remedy": "localedef"},
                {"id": "XC-OS-003", "outcome": "pass", "message": ""},
            ]},
            {"name": "b", "reachable": False, "unreachable": {"reason": "refused", "message": "127.0.0.1:1"},
             "checks": []},
        ]
    }  # fmt: skip
    assert [t.plain for t in reasons(results)] == [
        "why:",
        "  FAIL  XC-OS-005  a  zh_CN.UTF-8 is not installed",
        "        remedy: localedef",
        "  ERROR XC-OS-006  a  timeout after 30 s",
        "  UNREACHABLE  b  refused: 127.0.0.1:1",
    ]
    assert reasons({"hosts": [{"name": "a", "reachable": True, "checks": []}]}) == []


def test_the_report_line_prefers_html(tmp_path: Path) -> None:
    written = [tmp_path / "results.json", tmp_path / "report.zh.html", tmp_path / "report.html", tmp_path / "junit.xml"]
    assert [t.plain for t in report_lines(tmp_path, written)] == [f"report: {tmp_path / 'report.html'}"]
    assert [t.plain for t in report_lines(tmp_path, [tmp_path / "results.json"])] == [
        f"report: {tmp_path / 'results.json'}"
    ]
