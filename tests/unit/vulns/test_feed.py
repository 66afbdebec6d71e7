"""OSV feeds: records validated and bounded, range events read in order, bad input named."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest

from harness.errors import InputError
from harness.vulns import feed
from harness.vulns.feed import load_feed, load_run_feed

# The shape of a real Debian record in OSV (DSA-5417-1, openssl; https://osv.dev/vulnerability/DSA-5417-1),
# trimmed to the fields xcert reads.
DSA = {
    "id": "DSA-5417-1",
    "summary": "openssl - security update",
    "aliases": ["CVE-2023-0464"],
    "affected": [
        {
            "package": {"ecosystem": "Debian:11", "name": "openssl"},
            "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "0"}, {"fixed": "1.1.1n-0+deb11u5"}]}],
            "versions": ["1.1.1k-1", "1.1.1n-0+deb11u4"],
        }
    ],
}


def test_a_record_becomes_one_advisory_per_affected_package(tmp_path: Path) -> None:
    path = tmp_path / "DSA-5417-1.json"
    path.write_text(json.dumps(DSA), encoding="utf-8")
    (adv,) = load_feed(path)
    assert (adv.id, adv.package, adv.ecosystem_base, adv.release) == ("DSA-5417-1", "openssl", "Debian", "11")
    assert adv.ranges == (("0", "1.1.1n-0+deb11u5", ""),)
    assert adv.severity == "UNKNOWN"


def test_a_folder_and_a_zip_are_read_alike(tmp_path: Path) -> None:
    folder = tmp_path / "feed"
    folder.mkdir()
    (folder / "a.json").write_text(json.dumps(DSA), encoding="utf-8")
    (folder / "b.json").write_text(json.dumps([{**DSA, "id": "DSA-2"}]), encoding="utf-8")
    archive = tmp_path / "all.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for p in sorted(folder.iterdir()):
            zf.write(p, p.name)
    assert [a.id for a in load_feed(folder)] == [a.id for a in load_feed(archive)] == ["DSA-5417-1", "DSA-2"]


def test_withdrawn_records_are_left_out(tmp_path: Path) -> None:
    path = tmp_path / "w.json"
    path.write_text(json.dumps({**DSA, "withdrawn": "2024-01-01T00:00:00Z"}), encoding="utf-8")
    assert load_feed(path) == []


@pytest.mark.parametrize(
    ("record", "key"),
    [
        ({"summary": "no id"}, "(record)"),
        ({"id": "X", "affected": [{"package": {"name": "p"}}]}, "affected/0/package"),
        ({"id": "X", "affected": [{"package": {"ecosystem": "Debian", "name": "p"}, "ranges": [{"type": "X"}]}]},
         "affected/0/ranges/0"),
    ],
)  # fmt: skip
def test_a_malformed_record_names_file_and_key(tmp_path: Path, record: dict[str, object], key: str) -> None:
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(record), encoding="utf-8")
    with pytest.raises(InputError) as info:
        load_feed(path)
    assert str(path) in str(info.value) and key in str(info.value)


def test_not_json_and_missing_feeds_are_bad_input(tmp_path: Path) -> None:
    path = tmp_path / "x.json"
    path.write_bytes(b"\xff\xfe{")
    with pytest.raises(InputError, match="not a JSON document"):
        load_feed(path)
    with pytest.raises(InputError, match="no such vulnerability feed"):
        load_feed(tmp_path / "absent")


def test_a_zip_member_larger_than_the_cap_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(feed, "MAX_RECORD_BYTES", 100)
    archive = tmp_path / "all.zip"
    with zipfile.ZipFile(archive, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("big.json", json.dumps({**DSA, "summary": "x" * 1000}))
    with pytest.raises(InputError, match="larger than 100 bytes"):
        load_feed(archive)


def test_links_in_a_feed_folder_are_not_followed(tmp_path: Path) -> None:
    outside = tmp_path / "outside.json"
    outside.write_text(json.dumps(DSA), encoding="utf-8")
    folder = tmp_path / "feed"
    folder.mkdir()
    (folder / "link.json").symlink_to(outside)
    assert load_feed(folder) == []


def test_install_keeps_the_normalised_feed_and_its_digest_in_the_run(tmp_path: Path) -> None:
    path = tmp_path / "f.json"
    path.write_text(json.dumps(DSA), encoding="utf-8")
    run = tmp_path / "run"
    run.mkdir()
    feed.install(path, run)
    loaded = load_run_feed(run)
    assert loaded is not None
    meta, advisories = loaded
    assert meta["source"] == "f.json" and len(meta["sha256"]) == 64
    assert advisories == load_feed(path)


def test_a_hand_edited_run_feed_is_bad_input(tmp_path: Path) -> None:
    (tmp_path / feed.RUN_FILE).write_text('{"advisories": [{"id": 1}]}', encoding="utf-8")
    with pytest.raises(InputError, match="not a vulnerability feed xcert wrote"):
        load_run_feed(tmp_path)
    assert load_run_feed(tmp_path / "none") is None


def test_a_run_feed_past_the_bound_is_refused_unread(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(feed, "MAX_TOTAL_BYTES", 10)
    (tmp_path / feed.RUN_FILE).write_text('{"advisories": []}', encoding="utf-8")
    with pytest.raises(InputError, match="larger than 10 bytes"):
        load_run_feed(tmp_path)
