"""Every command's ``--json``, run for real through the command line: stdout is one JSON document that
validates against the command's schema in the package (harness/jsonout.py SCHEMAS). ``lab up|status|down``
need a lab: tests/integration/test_lab_json.py."""

from __future__ import annotations

import argparse
import json
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from harness import jsonout
from harness.cli import build_parser
from tests.conftest import xcert

#: commands that print something other than results (a script, a manual page): no --json
NO_JSON = {"completion", "man"}
LAB_SNAPSHOT_OS_RELEASE = 'NAME="Kylin Linux Advanced Server"\nVERSION="V10 (Sword)"\nID="kylin"\nVERSION_ID="V10"\n'


def _commands(parser: argparse.ArgumentParser, prefix: str = "") -> Iterator[tuple[str, argparse.ArgumentParser]]:
    """Every leaf command of the parser as typed (``lab status``), with its parser."""
    subs = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    if not subs:
        yield prefix.strip(), parser
        return
    for name, child in subs[0].choices.items():
        yield from _commands(child, f"{prefix} {name}")


def _document(proc: subprocess.CompletedProcess[str], command: str) -> Any:
    """The whole of stdout parsed as one document, valid against the command's schema."""
    document = json.loads(proc.stdout)  # nothing else on stdout: progress and logs are on stderr
    problems = jsonout.validate(command, document)
    assert not problems, "\n".join(problems)
    return document


def test_every_command_that_prints_takes_json_and_has_a_schema() -> None:
    with_json = {name for name, p in _commands(build_parser()) if any("--json" in a.option_strings for a in p._actions)}
    all_commands = {name for name, _ in _commands(build_parser())}
    assert all_commands - with_json == NO_JSON
    assert with_json == set(jsonout.SCHEMAS)


def test_every_schema_is_shipped_and_valid() -> None:
    from jsonschema import Draft202012Validator

    for command in jsonout.SCHEMAS:
        Draft202012Validator.check_schema(jsonout.schema(command))


def test_a_schema_refuses_what_it_does_not_describe() -> None:
    # the validation used below can fail: a missing member and a stray one are both reported
    assert jsonout.validate("collect", {}) == ["(root): 'snapshot' is a required property"]
    assert jsonout.validate("lab down", {"removed": [], "extra": 1})


@pytest.fixture(scope="module")
def run_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A real certification of this machine (one check), shared by the commands that read a run."""
    out = tmp_path_factory.mktemp("json") / "run"
    proc = xcert("certify", "--check", "XC-OS-001", "--no-provision", "--json", "--format", "json", "--out", str(out))
    assert proc.returncode == 2, proc.stderr  # a partial selection is INCOMPLETE
    summary = _document(proc, "certify")
    assert summary["run_dir"] == str(out) and summary["verdict"] == "INCOMPLETE"
    return out


def test_identify_snapshot_and_this_machine(tmp_path: Path) -> None:
    snap = tmp_path / "snap"
    (snap / "files" / "etc").mkdir(parents=True)
    (snap / "files" / "etc" / "os-release").write_text(LAB_SNAPSHOT_OS_RELEASE, encoding="utf-8")
    (snap / "commands").mkdir()
    (snap / "commands" / "uname-m.txt").write_text("aarch64\n", encoding="utf-8")
    proc = xcert("identify", "--snapshot", str(snap), "--json")
    assert proc.returncode == 0, proc.stderr
    assert _document(proc, "identify")["os"]["catalog_id"] == "kylin-server-v10-sp2"
    proc = xcert("identify", "--json")
    assert proc.returncode == 0, proc.stderr
    assert _document(proc, "identify")["host"] == "localhost"


def test_checks_plan_in_english_and_chinese() -> None:
    proc = xcert("checks", "--json")
    assert proc.returncode == 0, proc.stderr
    plan = _document(proc, "checks")
    assert plan["count"] == len(plan["checks"]) > 0
    proc = xcert("checks", "--json", "--lang", "zh", "--layer", "os")
    zh = _document(proc, "checks")
    assert zh["checks"] and all(c["translated"]["lang"] == "zh" and c["layer"] == "os" for c in zh["checks"])


def test_report(run_dir: Path) -> None:
    proc = xcert("report", str(run_dir), "--format", "json,junit", "--json")
    assert proc.returncode == 2, proc.stderr
    doc = _document(proc, "report")
    assert doc["verified"] and doc["verdict"] == "INCOMPLETE"
    assert {Path(f).name for f in doc["files"]} == {"results.json", "junit.xml"}


def test_diff_and_matrix(run_dir: Path, tmp_path: Path) -> None:
    proc = xcert("diff", str(run_dir), str(run_dir), "--json")
    assert proc.returncode == 0, proc.stderr
    assert _document(proc, "diff")["changed"] is False
    proc = xcert("matrix", str(run_dir), "--out", str(tmp_path / "m"), "--format", "json", "--json")
    assert proc.returncode == 0, proc.stderr
    doc = _document(proc, "matrix")
    assert doc["cells"] == 1 and doc["files"] == [str(tmp_path / "m" / "matrix.json")]


def test_keygen_bundle_verify(run_dir: Path, tmp_path: Path) -> None:
    proc = xcert("keygen", "--out", str(tmp_path / "key"), "--json")
    assert proc.returncode == 0, proc.stderr
    key = _document(proc, "keygen")
    bundle = tmp_path / "run.tar"
    proc = xcert("bundle", str(run_dir), "--key", key["private_key"], "--out", str(bundle), "--json")
    assert proc.returncode == 0, proc.stderr
    made = _document(proc, "bundle")
    assert made["bundle"] == str(bundle) and made["key_fingerprint"] == key["fingerprint"]
    proc = xcert("verify", str(bundle), "--pubkey", key["public_key"], "--json")
    assert proc.returncode == 0, proc.stderr
    ok = _document(proc, "verify")
    assert ok["verified"] and ok["files"] == made["files"] and ok["evidence_digest"] == made["evidence_digest"]
    # one byte changed: not verified, exit 1, the differences in the document
    data = bytearray(bundle.read_bytes())
    data[len(data) // 2] ^= 0xFF
    bundle.write_bytes(bytes(data))
    proc = xcert("verify", str(bundle), "--pubkey", key["public_key"], "--json")
    assert proc.returncode == 1, proc.stderr
    bad = _document(proc, "verify")
    assert not bad["verified"] and bad["problems"] and "NOT VERIFIED" in proc.stderr


def test_collect(tmp_path: Path) -> None:
    proc = xcert("collect", "--out", str(tmp_path / "snap"), "--json")
    assert proc.returncode == 0, proc.stderr
    assert _document(proc, "collect") == {"snapshot": str(tmp_path / "snap")}
    assert (tmp_path / "snap" / "files" / "etc" / "os-release").is_file()
    assert xcert("collect", "--print-sh", "--json").returncode == 3


def test_lab_status_without_a_lab(tmp_path: Path) -> None:
    proc = xcert("lab", "status", "--json", env={"XCERT_LAB_DIR": str(tmp_path / "none")})
    assert proc.returncode == 1, proc.stderr
    assert _document(proc, "lab status") == {"up": False, "healthy": False, "inventory": None, "hosts": []}
