"""The matrix over captured lab runs: cells against the runs' own results.json, gaps, inheritance, verdicts."""

from __future__ import annotations

import json
import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from harness.bundles.combination import read_run
from harness.bundles.definition import load_bundle
from harness.bundles.equivalence import default_rules, load_rules
from harness.bundles.matrix import build_matrix
from harness.bundles.schema import validate_matrix
from harness.errors import InputError
from tests.conftest import ROOT
from tests.unit.bundles.expect import assert_cells_match

DATA = Path(__file__).resolve().parent / "data"
PLAIN, ROLES = DATA / "lab-plain", DATA / "lab-roles"
LAB_BUNDLE = ROOT / "tests" / "integration" / "bundles" / "lab-bundle.yml"
EXAMPLE = ROOT / "inventories" / "bundles" / "tianjin-example.yml"
#: the captured runs finished on 2026-12-01
NOW = datetime(2026, 12, 2, tzinfo=UTC)


def matrix(*dirs: Path, bundle: Path | None = None, now: datetime = NOW) -> dict:  # type: ignore[type-arg]
    runs = [read_run(d) for d in dirs]
    m = build_matrix(runs, load_bundle(bundle) if bundle else None, default_rules(), now=now)
    assert validate_matrix(m) == []
    return m


def test_cells_are_the_runs_own_results() -> None:
    m = matrix(PLAIN, ROLES)
    assert_cells_match(m, [PLAIN, ROLES])
    kylin = next(c for c in m["cells"] if c["combination"]["os"]["id"] == "kylin-server-v10-sp2")
    assert kylin["combination"]["db"] == {"id": "postgresql", "version": "15.18"}
    # two runs disagree on this combination: both stay, newest first, the newest decides
    assert [s["run_id"] for s in kylin["sources"]] == ["run2", "run1"]
    assert kylin["verdict"] == "CERTIFIED" and kylin["disagree"] is True
    assert {"check": "XC-OS-005", "before": "fail", "after": "waived", "new_failure": False}.items() <= next(
        c for c in kylin["changes"] if c["check"] == "XC-OS-005"
    ).items()
    assert all(s["report"].endswith("report.html") or s["report"].endswith("results.json") for s in kylin["sources"])


def test_the_example_bundle_is_incomplete_with_every_gap_named() -> None:
    m = matrix(PLAIN, ROLES, bundle=EXAMPLE)
    assert m["bundle"]["verdict"] == "INCOMPLETE"
    # database: 2 CPUs x 1 OS x 1 server x 4 databases; application: 2 CPUs x 1 OS x 1 server
    assert len(m["gaps"]) == 10
    assert {
        "role": "database",
        "combination": {
            "cpu": "hygon-c86",
            "os": "kylin-server-v10",
            "db": "dm8",
            "server": "sugon",
            "middleware": None,
        },
    } in m["gaps"]
    roles = {r["name"]: r for r in m["bundle"]["roles"]}
    assert sum(1 for p in roles["database"]["problems"] if p["kind"] == "gap") == 8


def test_a_bundle_the_lab_covers_is_certified() -> None:
    m = matrix(PLAIN, ROLES, bundle=LAB_BUNDLE)
    assert m["bundle"]["verdict"] == "CERTIFIED"
    roles = {r["name"]: r for r in m["bundle"]["roles"]}
    assert {(r["run_id"], r["host"]) for r in roles["database"]["results"]} == {("run2", "lab1")}
    assert {(r["run_id"], r["host"]) for r in roles["application"]["results"]} == {("run2", "lab2"), ("run2", "lab3")}
    assert m["bundle"]["cross_host"]["verdict"] == "CERTIFIED"


def test_without_cross_host_checks_the_bundle_is_incomplete() -> None:
    m = matrix(PLAIN, bundle=LAB_BUNDLE)
    assert m["bundle"]["cross_host"]["problems"] == [{"kind": "missing"}]
    assert m["bundle"]["verdict"] == "NOT_CERTIFIED"  # run1's hosts failed: a known failure outranks a gap
    db = next(r for r in m["bundle"]["roles"] if r["name"] == "database")
    assert db["problems"][0]["kind"] == "failed" and "XC-OS-005" in db["problems"][0]["checks"]


def test_expired_results_are_named() -> None:
    m = matrix(ROLES, bundle=LAB_BUNDLE, now=NOW + timedelta(days=31))
    assert m["bundle"]["verdict"] == "INCOMPLETE"
    kinds = {p["kind"] for r in m["bundle"]["roles"] for p in r["problems"]}
    assert "expired" in kinds
    assert m["bundle"]["cross_host"]["problems"] == [{"kind": "expired"}]


def test_an_inherited_cell_names_its_rule_and_run_and_never_counts(tmp_path: Path) -> None:
    bundle = LAB_BUNDLE.read_text(encoding="utf-8").replace('">=15,<16"', '"==15.99"')
    path = tmp_path / "b.yml"
    path.write_text(bundle, encoding="utf-8")
    m = matrix(ROLES, bundle=path)
    inherited = [c for c in m["cells"] if not c["tested"]]
    assert len(inherited) == 1
    cell = inherited[0]
    assert cell["combination"]["db"] == {"id": "postgresql", "version": "==15.99"}
    assert cell["inherited_from"]["rule"] == "EQ-DB-PG-MINOR"
    assert (cell["inherited_from"]["run_id"], cell["inherited_from"]["host"]) == ("run2", "lab1")
    assert cell["inherited_from"]["combination"]["db"]["version"] == "15.18"
    db = next(r for r in m["bundle"]["roles"] if r["name"] == "database")
    assert db["verdict"] == "INCOMPLETE" and db["results"] == []  # inherited is not tested
    assert m["bundle"]["verdict"] == "INCOMPLETE"
    # another major version inherits nothing
    path.write_text(bundle.replace("==15.99", "==16.1"), encoding="utf-8")
    assert [c for c in matrix(ROLES, bundle=path)["cells"] if not c["tested"]] == []


def test_the_same_run_id_from_two_controllers_stays_two_runs(tmp_path: Path) -> None:
    tianjin, tashkent = tmp_path / "tianjin" / "run2", tmp_path / "tashkent" / "run2"
    shutil.copytree(ROLES, tianjin)
    shutil.copytree(ROLES, tashkent)
    results = json.loads((tashkent / "results.json").read_text(encoding="utf-8"))
    results["finished"] = "2026-12-01T12:00:00.000Z"
    (tashkent / "results.json").write_text(json.dumps(results), encoding="utf-8")
    m = matrix(tianjin, tashkent)
    assert len({r["run_uid"] for r in m["runs"]}) == 2
    kylin = next(c for c in m["cells"] if c["combination"]["os"]["id"] == "kylin-server-v10-sp2")
    assert [(s["run_id"], s["host"]) for s in kylin["sources"]] == [("run2", "lab1"), ("run2", "lab1")]
    assert kylin["sources"][0]["run_uid"] != kylin["sources"][1]["run_uid"]
    assert kylin["sources"][0]["date"] == "2026-12-01T12:00:00.000Z"


@pytest.mark.parametrize(
    ("content", "message"),
    [(b"{not json", "not valid JSON"), (b"[]", "not a results object"), (b'{"schema": "xcert-results/1"}', "required")],
)
def test_hostile_results_are_refused_naming_the_file(tmp_path: Path, content: bytes, message: str) -> None:
    (tmp_path / "results.json").write_bytes(content)
    with pytest.raises(InputError) as err:
        read_run(tmp_path)
    assert err.value.location.file == str(tmp_path / "results.json")
    assert message in str(err.value)


def test_oversized_results_are_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from harness.bundles import combination

    monkeypatch.setattr(combination, "MAX_RESULTS_BYTES", 1000)
    shutil.copytree(ROLES, tmp_path / "r")
    with pytest.raises(InputError, match="larger than 1000 bytes"):
        read_run(tmp_path / "r")


def test_equivalence_rules_are_checked(tmp_path: Path) -> None:
    assert [r.id for r in default_rules()] == ["EQ-DB-PG-MINOR"]
    assert all(r.rationale and r.source.startswith("https://") for r in default_rules())
    bad = tmp_path / "rules.yml"
    bad.write_text(
        "schema: xcert-equivalence/1\nrules:\n  - id: X\n    title: t\n    layer: db\n    relation: same_vibe\n"
        "    applies_to: [postgresql]\n    rationale: r\n    source: s\n",
        encoding="utf-8",
    )
    with pytest.raises(InputError) as err:
        load_rules(bad)
    assert (err.value.location.line, err.value.location.key) == (6, "rules.0.relation")


def test_an_interrupted_later_run_does_not_overrule_a_complete_one(tmp_path: Path) -> None:
    later = tmp_path / "later"
    shutil.copytree(ROLES, later)
    results = json.loads((later / "results.json").read_text(encoding="utf-8"))
    results["finished"], results["interrupted"] = "2026-12-01T13:00:00.000Z", True
    lab1 = next(h for h in results["hosts"] if h["name"] == "lab1")
    lab1["verdict"], lab1["complete"] = "INCOMPLETE", False
    (later / "results.json").write_text(json.dumps(results), encoding="utf-8")
    m = matrix(ROLES, later, bundle=LAB_BUNDLE)
    kylin = next(c for c in m["cells"] if c["combination"]["os"]["id"] == "kylin-server-v10-sp2")
    assert [(s["verdict"], s["complete"]) for s in kylin["sources"]] == [("INCOMPLETE", False), ("CERTIFIED", True)]
    assert kylin["verdict"] == "CERTIFIED" and kylin["date"] == kylin["sources"][1]["date"]
    assert m["bundle"]["verdict"] == "CERTIFIED"
