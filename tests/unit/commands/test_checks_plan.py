"""`xcert checks`: the test plan from the suite files alone."""

from __future__ import annotations

import ast
import json
import re
from pathlib import Path

from tests.conftest import ROOT, xcert

ID = re.compile(r"XC-[A-Z]+-[0-9]{3}")


def _declared_ids() -> set[str]:
    """Check ids as the suite sources spell them (the first argument of check(...) or of a helper that
    makes checks, such as _sql_check("XC-DB-011", ...)), read without importing."""
    ids = set()
    for path in (ROOT / "suites").rglob("test_*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            # check(...), or a helper that makes checks (_sql_check, _meta, ...): its first argument is the id
            if isinstance(node, ast.Call) and node.args:
                first = node.args[0]
                if isinstance(first, ast.Constant) and isinstance(first.value, str) and ID.fullmatch(first.value):
                    ids.add(first.value)
    return ids


def test_json_lists_every_check_with_its_metadata() -> None:
    proc = xcert("checks", "--json", "--lang", "zh")
    assert proc.returncode == 0, proc.stderr
    plan = json.loads(proc.stdout)
    ids = [c["id"] for c in plan["checks"]]
    assert len(ids) == len(set(ids)) == plan["count"]
    assert set(ids) == _declared_ids()
    for c in plan["checks"]:
        assert {
            "id",
            "layer",
            "severity",
            "profiles",
            "tags",
            "applies_to",
            "title",
            "requirement",
            "remedy",
            "source",
        } <= set(c)
        assert c["translated"]["lang"] == "zh" and c["translated"]["title"]
    cpu1 = next(c for c in plan["checks"] if c["id"] == "XC-CPU-001")
    assert cpu1["translated"]["title"] != cpu1["title"]  # Chinese, not the English msgid


def test_layer_and_profile_select() -> None:
    plan = json.loads(xcert("checks", "--json", "--layer", "cpu", "--layer", "os").stdout)
    assert plan["count"] > 0 and {c["layer"] for c in plan["checks"]} == {"cpu", "os"}
    full = json.loads(xcert("checks", "--json", "--profile", "quick").stdout)
    assert all("quick" in c["profiles"] for c in full["checks"])


def test_bad_layer_is_bad_usage() -> None:
    proc = xcert("checks", "--layer", "gpu")
    assert proc.returncode == 3 and "unknown layer 'gpu'" in proc.stderr and "Traceback" not in proc.stderr


def test_xlsx_and_html_plans(tmp_path: Path) -> None:
    import openpyxl

    proc = xcert("checks", "--format", "xlsx,html", "--lang", "ru,ar", "--out", str(tmp_path))
    assert proc.returncode == 0, proc.stderr
    ids = _declared_ids()
    ws = openpyxl.load_workbook(tmp_path / "plan.ru.xlsx").active
    assert {row[0] for row in ws.iter_rows(min_row=2, values_only=True)} == ids
    assert openpyxl.load_workbook(tmp_path / "plan.ar.xlsx").active.sheet_view.rightToLeft
    html = (tmp_path / "plan.ar.html").read_text(encoding="utf-8")
    assert 'dir="rtl"' in html and "خطة الاختبار" in html and all(i in html for i in ids)


def test_the_plan_is_read_from_any_directory(tmp_path: Path) -> None:
    import subprocess
    import sys

    proc = subprocess.run(
        [sys.executable, "-m", "harness", "checks", "--json"], cwd=tmp_path, capture_output=True, text=True, timeout=120
    )
    assert proc.returncode == 0, proc.stderr  # suite helpers (suites.hostlib) import outside the checkout's cwd
    assert json.loads(proc.stdout)["count"] == len(_declared_ids())
