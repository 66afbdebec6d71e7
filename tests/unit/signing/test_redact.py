from __future__ import annotations

import json
from pathlib import Path

import pytest

from harness.signing.bundle import make_bundle, verify_bundle
from harness.signing.keys import generate, load_private, load_public
from harness.signing.redact import Redactor
from tests.unit.signing import runs


@pytest.fixture(scope="module")
def redacted(tmp_path_factory: pytest.TempPathFactory) -> tuple[bytes, Path]:
    root = tmp_path_factory.mktemp("redact")
    run = runs.make_run(root)
    private, public = generate(root / "key")
    make_bundle(run, load_private(private), root / "r.xcb", redact=True)
    return (root / "r.xcb").read_bytes(), public


@pytest.mark.parametrize(
    "secret", [runs.HOST, runs.ADDRESS, runs.MAC, runs.SERIAL, runs.UUID, runs.USER, runs.GATEWAY, runs.V6]
)
def test_a_redacted_bundle_holds_no_identifying_value_anywhere(redacted: tuple[bytes, Path], secret: str) -> None:
    data, _ = redacted
    assert secret.encode() not in data  # byte-wise: file contents, paths and headers alike
    assert secret.upper().encode() not in data


def test_a_redacted_bundle_still_verifies_and_says_it_is_redacted(redacted: tuple[bytes, Path]) -> None:
    data, public = redacted
    result = verify_bundle(data, load_public(public))
    assert result.ok, result.problems
    assert result.manifest["redacted"] is True
    assert "run/evidence/host-1/00001-facts.json" in {f["path"] for f in result.manifest["files"]}


def test_one_value_one_placeholder_everywhere() -> None:
    r = Redactor()
    r.add("host", "db1")
    r.scan("inet 10.0.0.5/24 and 10.0.0.6, mac 52:54:00:00:00:01")
    text = "db1 at 10.0.0.5; again db1 (10.0.0.5), db10 and xdb1 stay; 10.0.0.6 52:54:00:00:00:01"
    assert r.sub(text) == "host-1 at ip-1; again host-1 (ip-1), db10 and xdb1 stay; ip-2 mac-1"


def test_patterns_do_not_take_times_versions_or_words_for_addresses() -> None:
    r = Redactor()
    r.scan("2026-11-24T07:02:17.201Z std::string glibc 2.36 kernel 6.18.44 1.2.3.4.5 ::")
    assert r.mapping == {}


def test_json_escapes_do_not_hide_a_value(tmp_path: Path) -> None:
    from harness.signing.redact import collect, redact_file

    doc = {"stdout": "header\n192.0.2.77 is here\n\tSerial Number: ABC123XYZ\n"}
    (tmp_path / "e.json").write_text(json.dumps(doc), encoding="utf-8")
    r = Redactor()
    collect(tmp_path, ["e.json"], r)
    redact_file(tmp_path / "e.json", tmp_path / "out.json", r)
    out = (tmp_path / "out.json").read_text(encoding="utf-8")
    assert "192.0.2.77" not in out and "ABC123XYZ" not in out
    assert json.loads(out)["stdout"] == "header\nip-1 is here\n\tSerial Number: serial-1\n"
