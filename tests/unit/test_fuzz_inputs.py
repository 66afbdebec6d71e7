"""Hostile and random input to the loaders and parsers of the spine: a clear error or a result, never a crash."""

from __future__ import annotations

import atexit
import contextlib
import functools
import io
import json
import os
import shutil
import tarfile
import tempfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from harness.cli import main
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


# ---------------------------------------------------------------------------------------------- commands
# Random run directories (journals, run.json, results, waivers, lab configs), snapshots and bundles
# thrown at the real command line: only clean exits (0-3, never the internal-error 4 or a traceback),
# and nothing written outside the run directory and the named output.


json_values: st.SearchStrategy[Any] = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**70), 2**70) | st.floats() | st.text(max_size=30),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=4),
    max_leaves=12,
)
_KEYS = [
    "type",
    "id",
    "outcome",
    "severity",
    "checks",
    "evidence",
    "message_key",
    "message_args",
    "measurements",
    "identity",
    "summary",
    "subject",
    "reason",
    "ok",
    "action",
    "started",
    "prev",
]
records = st.dictionaries(st.sampled_from(_KEYS), json_values, max_size=6) | json_values
_TYPES = ["plan", "facts", "check", "unreachable", "provision", "host_end"]
typed_records = st.builds(lambda t, r: {**r, "type": t} if isinstance(r, dict) else r, st.sampled_from(_TYPES), records)
FUZZ = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@functools.cache
def _key() -> tuple[Path, Path]:
    from harness.signing.keys import generate

    folder = Path(tempfile.mkdtemp(prefix="xcert-fuzz-key-"))
    atexit.register(shutil.rmtree, folder, True)  # the key lives as long as the session, then is gone
    return generate(folder / "key")


def _listing(root: Path) -> set[str]:
    return {str(p.relative_to(root)) for p in root.rglob("*")}


def _clean(argv: list[str], root: Path, allowed: tuple[str, ...]) -> int:
    """Run the command line; assert a clean exit and that nothing appeared outside ``allowed``."""
    before = _listing(root)
    try:
        with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()) as err:
            rc = main(argv)
    except SystemExit as exc:  # argparse
        rc = int(exc.code or 0)
    new = {p for p in _listing(root) - before if not any(p == a or p.startswith(a + os.sep) for a in allowed)}
    assert new == set(), new
    assert 0 <= rc <= 3, (rc, err.getvalue())
    assert "Traceback" not in err.getvalue()
    return rc


def _run(root: Path, journal: list[Any], meta_edit: dict[str, Any]) -> Path:
    from tests.unit.test_security_runs import make_run

    run = make_run(root)
    path = run / "journal" / "h1.jsonl"
    with open(path, "a", encoding="utf-8") as fh:
        for record in journal:
            with contextlib.suppress(ValueError, TypeError, OverflowError):
                fh.write(json.dumps(record) + "\n")
    meta = json.loads((run / "run.json").read_text(encoding="utf-8"))
    meta.update(meta_edit)
    (run / "run.json").write_text(json.dumps(meta), encoding="utf-8")
    return run


@FUZZ
@given(
    journal=st.lists(typed_records, max_size=4),
    meta_edit=st.dictionaries(
        st.sampled_from(["hosts", "tool", "langs", "profile", "started", "run_id"]), json_values, max_size=2
    ),
    waivers=st.none() | yaml_like,
    lab=st.none() | yaml_like.map(lambda t: "[lab]\n" + t),
)
def test_report_and_bundle_take_any_run(
    journal: list[Any], meta_edit: dict[str, Any], waivers: str | None, lab: str | None
) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        run = _run(root, journal, meta_edit)
        extra: list[str] = []
        for name, text in (("waivers.yml", waivers), ("lab.toml", lab)):
            if text is not None:
                (root / name).write_text(text, encoding="utf-8")
                extra += ["--waivers" if name == "waivers.yml" else "--lab-config", str(root / name)]
        _clean(["report", str(run), "--format", "json,junit,html", *extra], root, ("run",))
        key, _ = _key()
        _clean(["bundle", str(run), "--key", str(key), "--out", str(root / "b.tar")], root, ("run", "b.tar"))


@FUZZ
@given(results=json_values, journal=st.lists(typed_records, max_size=2))
def test_bundle_takes_any_results_json(results: Any, journal: list[Any]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        run = _run(root, journal, {})
        with contextlib.suppress(ValueError, TypeError, OverflowError):
            (run / "results.json").write_text(json.dumps(results), encoding="utf-8")
        key, _ = _key()
        _clean(["bundle", str(run), "--key", str(key), "--out", str(root / "b.tar")], root, ("run", "b.tar"))


@FUZZ
@given(
    members=st.dictionaries(
        st.sampled_from(
            [
                "files/etc/os-release",
                "commands/lscpu.txt",
                "files/proc/cpuinfo",
                "commands/uname-m.txt",
                "files/../x",
                "commands/db-version.txt",
                "snap/files/etc/os-release",
                "x",
            ]
        ),
        st.binary(max_size=300),
        max_size=4,
    ),
    as_dir=st.booleans(),
)
def test_identify_takes_any_snapshot(members: dict[str, bytes], as_dir: bool) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        if as_dir:
            snap = root / "snap"
            snap.mkdir()
            for name, data in members.items():
                target = (snap / name).resolve()
                if target.is_relative_to(snap):
                    target.parent.mkdir(parents=True, exist_ok=True)
                    target.write_bytes(data)
        else:
            snap = root / "snap.tar.gz"
            buf = io.BytesIO()
            with tarfile.open(fileobj=buf, mode="w:gz") as tar:
                for name, data in members.items():
                    info = tarfile.TarInfo(name)
                    info.size = len(data)
                    tar.addfile(info, io.BytesIO(data))
            snap.write_bytes(buf.getvalue())
        _clean(["identify", "--snapshot", str(snap), "--json"], root, ())
        _clean(["identify", "--snapshot", str(snap)], root, ())


@functools.cache
def _good_bundle() -> bytes:
    from tests.unit.test_security_runs import make_run

    with tempfile.TemporaryDirectory(prefix="xcert-fuzz-bundle-") as tmp:  # kept in memory: no folder left behind
        folder = Path(tmp)
        run = make_run(folder)
        key, _ = _key()
        with contextlib.redirect_stdout(io.StringIO()):
            assert main(["report", str(run), "--format", "json"]) == 1
            assert main(["bundle", str(run), "--key", str(key), "--out", str(folder / "b.tar")]) == 0
        return (folder / "b.tar").read_bytes()


@FUZZ
@given(
    edits=st.lists(st.tuples(st.integers(0, 2**20), st.binary(min_size=0, max_size=8)), max_size=3),
    garbage=st.none() | st.binary(max_size=3000),
)
def test_verify_takes_any_bundle(edits: list[tuple[int, bytes]], garbage: bytes | None) -> None:
    data = bytearray(_good_bundle() if garbage is None else garbage)
    for offset, chunk in edits:
        at = offset % (len(data) + 1)
        data[at : at + len(chunk)] = chunk
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        (root / "b.tar").write_bytes(bytes(data))
        _, pub = _key()
        rc = _clean(["verify", str(root / "b.tar"), "--pubkey", str(pub)], root, ())
        if garbage is None and not edits:
            assert rc == 0
        elif bytes(data) != _good_bundle():
            assert rc != 0


def test_fuzzing_sees_a_write_outside_what_is_allowed(tmp_path: Path) -> None:
    """The helper itself catches a write outside what is allowed (the tests above cannot pass silently)."""
    run = _run(tmp_path, [], {})
    with pytest.raises(AssertionError):
        _clean(["report", str(run), "--format", "json"], tmp_path, ())  # writes run/results.json
