"""The SQL feature table selects its rows by the ``sql-feature`` tag: a new feature check appears in it
by its tag alone, through the real plugin, journal and results fold."""

from __future__ import annotations

import importlib.util
import json

import pytest

from harness.db.report import SQL_FEATURE, feature_matrix, feature_table
from harness.journal import read_journal
from harness.results import build_host
from tests.conftest import ROOT

SUITE = """
from harness.checks import N_, check

@check("XC-DB-099", layer="db", severity="advisory", title=N_("A brand-new SQL feature"), requirement=N_("r"),
       remedy=N_("m"), tags=("sql-feature",))
def test_new_feature(target, xc):
    target.run("true")
    xc.measure("supported", True, "bool")

@check("XC-DB-098", layer="db", severity="advisory", title=N_("Not a feature"), requirement=N_("r"), remedy=N_("m"))
def test_other(target, xc):
    target.run("true")
"""


def test_a_new_tagged_check_is_in_the_feature_table(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_new=SUITE)
    run = pytester.path / "run"
    run.mkdir()
    host = {"name": "local", "slug": "local", "connection": "local", "address": "localhost", "declared": {}}
    (run / "run.json").write_text(json.dumps({"hosts": [host]}), encoding="utf-8")
    pytester.runpytest_subprocess(
        "-p", "harness.pytest_plugin", "-p", "no:pytest11.testinfra", "--xcert-run", str(run), "--xcert-host", "local"
    )
    folded = build_host(host, list(read_journal(run / "journal" / "local.jsonl")))
    assert [r["id"] for r in feature_table(folded)] == ["XC-DB-099"]
    assert feature_table(folded)[0]["supported"] is True
    assert [r["id"] for r in feature_matrix(folded)["rows"]] == ["XC-DB-099"]


def test_a_check_in_the_old_id_range_without_the_tag_is_not_a_feature() -> None:
    host = {"checks": [{"id": "XC-DB-012", "title": "x", "outcome": "pass", "tags": []}]}
    assert feature_table(host) == []


def test_the_shipped_sql_checks_carry_the_tag() -> None:
    spec = importlib.util.spec_from_file_location("db_sql_suite", ROOT / "suites" / "db" / "test_db_sql.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    metas = [fn.xcert_check for fn in vars(module).values() if hasattr(fn, "xcert_check")]
    assert len(metas) == 17 and all(SQL_FEATURE in m.tags for m in metas)  # XC-DB-010..026
