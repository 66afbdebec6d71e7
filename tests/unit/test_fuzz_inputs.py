"""Hostile and random input to the loaders and parsers of the spine: a clear error or a result, never a crash."""

from __future__ import annotations

import io
import tarfile
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from harness.errors import InputError
from harness.facts.script import parse_output
from harness.facts.snapshot import read_snapshot
from harness.inventory import load_inventory
from harness.journal import read_journal

FAST = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])

yaml_like = st.lists(
    st.sampled_from([*"abcxyz01:-[]{}\"' \n\t#|>&*!%@`$;\\é中", "all", "hosts", "vars", "children", "  ", "\n  "]),
    max_size=60,
).map("".join)


@FAST
@given(text=yaml_like, suffix=st.sampled_from([".yml", ".ini", ".json", ""]))
def test_inventory_loader_never_crashes(text: str, suffix: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"inventory{suffix}"
        path.write_text(text, encoding="utf-8")
        try:
            hosts = load_inventory([path])
        except InputError as exc:
            assert str(path) in str(exc) or "--limit" in str(exc)
            assert "\n" not in str(exc).strip()
        else:
            for host in hosts:
                assert host.name


@FAST
@given(data=st.binary(max_size=2000), token=st.from_regex(r"[0-9a-f]{4,24}", fullmatch=True))
def test_fact_output_parser_takes_any_bytes(data: bytes, token: str) -> None:
    facts = parse_output(token, data)
    for path in facts.files:
        assert isinstance(path, str)
    for name in facts.commands:
        facts.command(name)


@FAST
@given(data=st.binary(max_size=2000))
def test_journal_reader_takes_any_bytes(data: bytes) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "j.jsonl"
        path.write_bytes(data)
        for record in read_journal(path):
            assert isinstance(record, dict)


@FAST
@given(data=st.binary(max_size=4000))
def test_snapshot_reader_refuses_garbage_clearly(data: bytes) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "snap.tar.gz"
        path.write_bytes(data)
        try:
            read_snapshot(path)
        except InputError as exc:
            assert str(path) in str(exc)


@FAST
@given(content=st.binary(max_size=500), name=st.sampled_from(["files/etc/os-release", "commands/lscpu.txt", "x/y"]))
def test_snapshot_archive_members_are_read_or_left_out(content: bytes, name: str) -> None:
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w:gz") as tar:
        info = tarfile.TarInfo(name)
        info.size = len(content)
        tar.addfile(info, io.BytesIO(content))
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "snap.tar.gz"
        path.write_bytes(buf.getvalue())
        try:
            facts = read_snapshot(path)
        except InputError:
            assert name == "x/y"
        else:
            assert facts.files.get("/etc/os-release", content) == content
