"""What a matrix must hold, computed straight from the runs' own results.json (for the tests)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

LAYERS = ("cpu", "os", "db", "server", "middleware")


def host_combination(host: dict[str, Any]) -> dict[str, dict[str, str | None]]:
    detected = host["stack"]["detected"]
    comb = {layer: {"id": detected[layer]["catalog_id"], "version": detected[layer]["version"]} for layer in LAYERS}
    if comb["db"]["id"] and not comb["db"]["version"]:
        reported = [c for c in host["checks"] if c["id"] == "XC-DB-002" and c["outcome"] == "pass"]
        comb["db"]["version"] = reported[0]["message_args"]["version"] if reported else None
    return comb


def expected_cells(run_dirs: list[Path]) -> dict[str, list[tuple[str, str, str, str]]]:
    """{combination as JSON: [(finished, run_id, host, verdict), ...] newest first} over every keyed host
    (the runs given to the tests are complete, so the newest decides)."""
    out: dict[str, list[tuple[str, str, str, str]]] = {}
    for run_dir in run_dirs:
        results = json.loads((run_dir / "results.json").read_text(encoding="utf-8"))
        for host in results["hosts"]:
            if host.get("connection") == "integration" or not host["reachable"]:
                continue
            assert host["complete"] and not results["interrupted"], (run_dir, host["name"])
            key = json.dumps(host_combination(host), sort_keys=True)
            out.setdefault(key, []).append((results["finished"], results["run_id"], host["name"], host["verdict"]))
    return {k: sorted(v, reverse=True) for k, v in out.items()}


def assert_cells_match(matrix: dict[str, Any], run_dirs: list[Path]) -> None:
    """Every tested cell is exactly one combination of the runs, with every source, newest first."""
    expected = expected_cells(run_dirs)
    tested = [c for c in matrix["cells"] if c["tested"]]
    got = {json.dumps(c["combination"], sort_keys=True): c for c in tested}
    assert sorted(got) == sorted(expected)
    for key, rows in expected.items():
        cell = got[key]
        assert [(s["date"], s["run_id"], s["host"], s["verdict"]) for s in cell["sources"]] == rows
        assert cell["verdict"] == rows[0][3] and cell["date"] == rows[0][0]
        assert cell["inherited_from"] is None
        assert cell["disagree"] == (len({r[3] for r in rows}) > 1)
