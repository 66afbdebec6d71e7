"""Through the real command line and worker: a suite module that does not import, and a test without
@check, are error rows in results.json and the summary table, and the exit code says INCOMPLETE;
the other checks still run."""

from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import xcert

GOOD = """
from harness.checks import N_, check

@check("XC-OS-961", layer="os", severity="mandatory", title=N_("t"), requirement=N_("r"), remedy=N_("m"))
def test_good(target, xc):
    target.run("true")

def test_forgot_the_decorator(target):
    target.run("true")
"""


def test_broken_suite_is_error_rows_and_incomplete(tmp_path: Path) -> None:
    suites = tmp_path / "suites"
    (suites / "os").mkdir(parents=True)
    (suites / "os" / "test_good.py").write_text(GOOD, encoding="utf-8")
    (suites / "os" / "test_broken.py").write_text("import no_such_module_xcert\n", encoding="utf-8")
    out = tmp_path / "run"
    proc = xcert("certify", "--out", str(out), "--format", "json", env={"XCERT_SUITES": str(suites)})
    assert proc.returncode == 2, proc.stderr  # INCOMPLETE: the suite is broken, nothing failed
    host = json.loads((out / "results.json").read_text(encoding="utf-8"))["hosts"][0]
    rows = {f"{c['id']}[{c['subject']}]": c for c in host["checks"]}
    assert rows["XC-OS-961[]"]["outcome"] == "pass"
    broken = rows["XC-OS-000[suites/os/test_broken.py]"]
    assert broken["outcome"] == "error" and "no_such_module_xcert" in broken["message"]
    assert broken["title"] == "A suite module could not be loaded"
    assert rows["XC-OS-000[suites/os/test_good.py::test_forgot_the_decorator]"]["outcome"] == "error"
    assert host["verdict"] == "INCOMPLETE"
    # the summary table counts them: 1 pass, 0 fail, 2 errors
    row = next(line for line in proc.stderr.splitlines() if "INCOMPLETE" in line and "localhost" in line)
    assert [cell.strip() for cell in row.split("│")[3:6]] == ["1", "0", "2"], row
