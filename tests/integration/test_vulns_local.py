"""XC-LC-010 on this machine, through the real command line: a planted advisory for an installed package
is found; a feed whose advisories are fixed in the installed versions finds nothing; no feed is n/a."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import xcert

pytestmark = pytest.mark.integration


def _installed(package: str) -> tuple[str, str]:
    proc = subprocess.run(
        ["dpkg-query", "-W", "-f", "${source:Package}\t${source:Version}", package],
        capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    if proc.returncode != 0 or "\t" not in proc.stdout:
        pytest.skip(f"{package} is not installed with dpkg here")
    source, version = proc.stdout.split("\t")
    return source, version


def _release() -> str:
    fields = dict(
        line.split("=", 1) for line in Path("/etc/os-release").read_text().splitlines() if "=" in line
    )
    if fields.get("ID") != "debian":
        pytest.skip("the planted advisory is written for a Debian controller")
    return fields["VERSION_ID"].strip('"')


def _check(tmp_path: Path, name: str, records: list[dict[str, Any]] | None) -> dict[str, Any]:
    out = tmp_path / name
    args = ["certify", "--no-provision", "--format", "json", "--out", str(out)]
    if records is not None:
        feed = tmp_path / f"{name}.json"
        feed.write_text(json.dumps(records), encoding="utf-8")
        args += ["--vuln-feed", str(feed)]
    proc = xcert(*args)
    assert proc.returncode in (0, 1, 2), proc.stderr
    results = json.loads((out / "results.json").read_text(encoding="utf-8"))
    (check,) = [c for c in results["hosts"][0]["checks"] if c["id"] == "XC-LC-010"]
    found: dict[str, Any] = check
    return found


def test_planted_clean_and_absent_feeds(tmp_path: Path) -> None:
    if shutil.which("dpkg-query") is None:
        pytest.skip("not a dpkg machine")
    release = _release()
    source, version = _installed("apt")
    planted = {
        "id": "XC-TEST-0001",
        "summary": "planted for the test",
        "database_specific": {"severity": "high"},
        "affected": [
            {
                "package": {"ecosystem": f"Debian:{release}", "name": source},
                "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "0"}, {"fixed": version + "+1"}]}],
            }
        ],
    }
    clean = json.loads(json.dumps(planted))
    clean["id"] = "XC-TEST-0002"
    clean["affected"][0]["ranges"][0]["events"][1]["fixed"] = version  # fixed in what is installed

    found = _check(tmp_path, "planted", [planted])
    assert found["outcome"] == "fail", found
    assert "XC-TEST-0001 [HIGH] apt" in found["message"] and f"(fixed {version}+1)" in found["message"]
    assert found["evidence"], "the package list is kept as evidence"

    assert _check(tmp_path, "clean", [clean])["outcome"] == "pass"
    assert _check(tmp_path, "none", None)["outcome"] == "not_applicable"


def test_a_malformed_feed_is_one_line_and_exit_3(tmp_path: Path) -> None:
    feed = tmp_path / "bad.json"
    feed.write_text(json.dumps({"id": "X", "affected": [{"package": {"name": "apt"}}]}), encoding="utf-8")
    proc = xcert("certify", "--no-provision", "--out", str(tmp_path / "run"), "--vuln-feed", str(feed))
    assert proc.returncode == 3
    assert len(proc.stderr.strip().splitlines()) == 1 and "affected/0/package" in proc.stderr
