from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from harness.results import build_results, load_schema, validate

DIGEST = "sha256:" + "0" * 64


def _plan(*ids: tuple[str, str]) -> dict[str, Any]:
    return {"type": "plan", "checks": [{"id": i, "layer": "os", "severity": s, "title": i} for i, s in ids]}


def _check(cid: str, outcome: str, severity: str = "mandatory") -> dict[str, Any]:
    return {
        "type": "check",
        "id": cid,
        "layer": "os",
        "severity": severity,
        "title": cid,
        "outcome": outcome,
        "message": "",
        "duration_s": 0.1,
        "evidence": ["evidence/h/00001-x.json"],
        "started": "2026-01-01T00:00:00Z",
    }


def _run_dir(tmp_path: Path, journals: dict[str, list[dict[str, Any]]], finished: bool = True) -> Path:
    meta: dict[str, Any] = {
        "run_id": "r1",
        "started": "2026-01-01T00:00:00Z",
        "profile": "quick",
        "tool": {"name": "xcert", "version": "0", "suite_digest": DIGEST},
        "hosts": [{"name": n, "slug": n, "declared": {}} for n in journals],
    }
    if finished:
        meta["finished"] = "2026-01-01T00:01:00Z"
    (tmp_path / "run.json").write_text(json.dumps(meta))
    (tmp_path / "journal").mkdir()
    for name, records in journals.items():
        lines = "".join(json.dumps(r) + "\n" for r in records)
        (tmp_path / "journal" / f"{name}.jsonl").write_text(lines)
    return tmp_path


FACTS = {"type": "facts", "identity": {}, "summary": {}, "evidence": []}


def test_certified_host_and_schema(tmp_path: Path) -> None:
    run = _run_dir(
        tmp_path, {"a": [_plan(("XC-OS-001", "mandatory")), FACTS, _check("XC-OS-001", "pass"), {"type": "host_end"}]}
    )
    results = build_results(run)
    assert validate(results) == []
    assert results["verdict"] == "CERTIFIED"
    assert results["hosts"][0]["complete"] is True


def test_each_check_once_first_decision_stands(tmp_path: Path) -> None:
    run = _run_dir(
        tmp_path,
        {
            "a": [
                _plan(("XC-OS-001", "mandatory")),
                FACTS,
                _check("XC-OS-001", "fail"),
                _check("XC-OS-001", "pass"),
                {"type": "host_end"},
            ]
        },
    )
    checks = build_results(run)["hosts"][0]["checks"]
    assert [(c["id"], c["outcome"]) for c in checks] == [("XC-OS-001", "fail")]


def test_undecided_mandatory_check_makes_incomplete(tmp_path: Path) -> None:
    run = _run_dir(
        tmp_path,
        {"a": [_plan(("XC-OS-001", "mandatory"), ("XC-OS-002", "mandatory")), FACTS, _check("XC-OS-001", "pass")]},
        finished=False,
    )
    results = build_results(run)
    host = results["hosts"][0]
    assert host["undecided"] == ["XC-OS-002"]
    assert host["verdict"] == "INCOMPLETE"
    assert results["complete"] is False
    assert validate(results) == []


def test_unreachable_host_has_no_failed_checks(tmp_path: Path) -> None:
    run = _run_dir(
        tmp_path,
        {
            "a": [_plan(("XC-OS-001", "mandatory")), FACTS, _check("XC-OS-001", "pass"), {"type": "host_end"}],
            "b": [
                _plan(("XC-OS-001", "mandatory")),
                {"type": "unreachable", "reason": "refused", "detail": "port 9"},
                {"type": "host_end"},
            ],
        },
    )
    results = build_results(run)
    b = results["hosts"][1]
    assert b["reachable"] is False and b["verdict"] == "INCOMPLETE" and b["checks"] == []
    assert b["unreachable"]["reason"] == "refused"
    assert results["verdict"] == "INCOMPLETE"


def test_failure_outranks_gap(tmp_path: Path) -> None:
    run = _run_dir(
        tmp_path,
        {
            "a": [_plan(("XC-OS-001", "mandatory")), FACTS, _check("XC-OS-001", "fail"), {"type": "host_end"}],
            "b": [{"type": "unreachable", "reason": "timeout"}],
        },
    )
    assert build_results(run)["verdict"] == "NOT_CERTIFIED"


def test_host_whose_worker_never_started_is_incomplete(tmp_path: Path) -> None:
    run = _run_dir(tmp_path, {"a": []})
    assert build_results(run)["hosts"][0]["verdict"] == "INCOMPLETE"


@pytest.mark.parametrize(
    ("path", "value"),
    [
        (("verdict",), "PASSED"),
        (("hosts", 0, "checks", 0, "outcome"), "ok"),
        (("hosts", 0, "checks", 0, "id"), "OS-1"),
        (("tool", "suite_digest"), "md5:1"),
    ],
)
def test_schema_rejects_bad_values(tmp_path: Path, path: tuple[Any, ...], value: str) -> None:
    run = _run_dir(tmp_path, {"a": [_plan(("XC-OS-001", "mandatory")), FACTS, _check("XC-OS-001", "pass")]})
    results = build_results(run)
    target: Any = results
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    assert validate(results)


def test_schema_is_draft_2020_12() -> None:
    assert load_schema()["$schema"].endswith("2020-12/schema")


def test_failed_preparation_makes_the_host_incomplete_with_its_task(tmp_path: Path) -> None:
    failed = {
        "type": "provision",
        "action": "prepare",
        "ok": False,
        "unreachable": False,
        "task": "install tools",
        "message": "no package manager",
        "evidence": ["evidence/a/00001-provision-prepare.json"],
    }
    run = _run_dir(
        tmp_path,
        {"a": [failed, _plan(("XC-OS-001", "mandatory")), FACTS, _check("XC-OS-001", "pass"), {"type": "host_end"}]},
    )
    results = build_results(run)
    host = results["hosts"][0]
    assert host["verdict"] == "INCOMPLETE"
    assert host["provisioning"]["task"] == "install tools"
    assert validate(results) == []


def test_cleanup_failure_and_a_later_good_preparation_do_not_count(tmp_path: Path) -> None:
    bad = {"type": "provision", "action": "prepare", "ok": False, "task": "t", "message": "m"}
    good = {"type": "provision", "action": "prepare", "ok": True, "task": "", "message": ""}
    cleanup = {"type": "provision", "action": "cleanup", "ok": False, "task": "rm", "message": "m"}
    run = _run_dir(
        tmp_path,
        {
            "a": [
                bad,
                good,
                _plan(("XC-OS-001", "mandatory")),
                FACTS,
                _check("XC-OS-001", "pass"),
                {"type": "host_end"},
                cleanup,
            ]
        },
    )
    host = build_results(run)["hosts"][0]
    assert host["verdict"] == "CERTIFIED" and host["provisioning"] is None
