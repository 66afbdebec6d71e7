"""Bad input of every kind issue 11 lists is one line and exit 3 (never a traceback, never exit 1);
anything unexpected is an internal error, exit 4, with the traceback only under --debug."""

from __future__ import annotations

import gzip
import io
import json
import subprocess
import tarfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from harness.checks import render
from harness.cli import main
from harness.errors import EXIT_INTERNAL, InputError
from harness.facts.snapshot import MAX_MEMBER, MAX_TOTAL, read_snapshot
from tests.conftest import xcert
from tests.unit.test_security_runs import HOST, make_run


def _append(record: dict[str, Any]) -> Callable[[Path], None]:
    def edit(run: Path) -> None:
        with open(run / "journal" / f"{HOST}.jsonl", "a", encoding="utf-8") as fh:
            fh.write(json.dumps(record) + "\n")

    return edit


def _meta(change: Callable[[dict[str, Any]], Any]) -> Callable[[Path], None]:
    def edit(run: Path) -> None:
        meta = json.loads((run / "run.json").read_text(encoding="utf-8"))
        (run / "run.json").write_text(json.dumps(change(meta)), encoding="utf-8")

    return edit


EDITS: dict[str, Callable[[Path], None]] = {
    "check without id": _append({"type": "check", "outcome": "pass"}),
    "unknown outcome": _append({"type": "check", "id": "XC-OS-009", "outcome": "bogus"}),
    "plan checks not a list": _append({"type": "plan", "checks": 5}),
    "plan checks of texts": _append({"type": "plan", "checks": ["a"]}),
    "facts identity a list": _append({"type": "facts", "identity": [1]}),
    "evidence a number": _append({"type": "check", "id": "XC-OS-002", "outcome": "fail", "evidence": 5}),
    "measurements a text": _append({"type": "check", "id": "XC-OS-002", "outcome": "pass", "measurements": "x"}),
    "hosts a text": _meta(lambda m: {**m, "hosts": "x"}),
    "host without name": _meta(lambda m: {**m, "hosts": [{"slug": HOST}]}),
    "slug leaving the run": _meta(lambda m: {**m, "hosts": [{"name": HOST, "slug": "../../../etc"}]}),
    "tool a text": _meta(lambda m: {**m, "tool": "x"}),
    "langs a number": _meta(lambda m: {**m, "langs": 5}),
    "run.json a list": _meta(lambda m: [m]),
    "started a number": _meta(lambda m: {**m, "started": 5}),
}


@pytest.mark.parametrize("name", sorted(EDITS))
def test_a_hand_edited_run_is_one_line_and_exit_3(
    name: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    run = make_run(tmp_path)
    EDITS[name](run)
    assert main(["report", str(run)]) == 3
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and str(run) in err and "internal error" not in err, err


def test_rich_markup_in_os_release_is_printed_as_text(tmp_path: Path) -> None:
    snap = tmp_path / "snap"
    (snap / "files" / "etc").mkdir(parents=True)
    (snap / "files" / "etc" / "os-release").write_text('NAME="x[/]"\nPRETTY_NAME="[/] [bold]"\nID=kylin\n')
    done = xcert("identify", "--snapshot", str(snap), env={"COLUMNS": "300"})
    assert done.returncode == 0, done.stderr  # before: rich read "[/]" as markup, a traceback and exit 1
    assert "[/]" in done.stdout and "Traceback" not in done.stderr


def test_a_scalar_group_vars_file_is_one_line(tmp_path: Path) -> None:
    (tmp_path / "group_vars").mkdir()
    (tmp_path / "hosts.yml").write_text("all:\n  hosts:\n    h1:\n      ansible_connection: local\n", encoding="utf-8")
    (tmp_path / "group_vars" / "all.yml").write_text("just a string\n", encoding="utf-8")
    done = xcert("identify", "-i", str(tmp_path / "hosts.yml"))
    assert done.returncode == 3, done.stderr
    assert "group_vars/all.yml" in done.stderr and len(done.stderr.strip().splitlines()) == 1


def test_a_symlink_loop_in_a_directory_snapshot(tmp_path: Path) -> None:
    snap = tmp_path / "snap"
    (snap / "files" / "etc").mkdir(parents=True)
    (snap / "files" / "etc" / "os-release").symlink_to("lsb-release")
    (snap / "files" / "etc" / "lsb-release").symlink_to("os-release")
    (snap / "files" / "proc").mkdir()
    (snap / "files" / "proc" / "version").write_text("Linux version 4.19\n", encoding="utf-8")
    facts = read_snapshot(snap)
    assert "/etc/os-release" not in facts.files and facts.files["/proc/version"]
    assert xcert("identify", "--snapshot", str(snap)).returncode == 0


@pytest.mark.parametrize("value", ["99999999999999999999", "0", "-3", "1.5"])
def test_an_out_of_range_lab_config_value_is_one_line(tmp_path: Path, value: str) -> None:
    run = make_run(tmp_path)
    lab = tmp_path / "lab.toml"
    lab.write_text(
        '[lab]\nname = "L"\naddress = "A"\nlocation = "R"\n'
        f'[report]\napplicant = "X"\nauthorised_by = "W"\nvalidity_months = {value}\n',
        encoding="utf-8",
    )
    done = xcert("report", str(run), "--lab-config", str(lab))
    assert done.returncode == 3, done.stderr
    assert "validity_months" in done.stderr and len(done.stderr.strip().splitlines()) == 1


def test_anything_unexpected_is_an_internal_error_not_a_verdict(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import harness.reporting.render as render_module

    def broken(*_: object, **__: object) -> None:
        raise ZeroDivisionError("a bug")

    monkeypatch.setattr(render_module, "render_run", broken)
    run = make_run(tmp_path)
    assert main(["report", str(run)]) == EXIT_INTERNAL
    err = capsys.readouterr().err
    assert "internal error" in err and "Traceback" not in err and len(err.strip().splitlines()) == 1
    with pytest.raises(ZeroDivisionError):
        main(["--debug", "report", str(run)])


# ---------------------------------------------------------------------------------------------- bounds


def test_a_format_width_in_a_journal_allocates_nothing() -> None:
    t0 = time.monotonic()
    assert render("{x:999999999}", {"x": 1}) == "{x:999999999}"
    assert render("{x.__class__}", {"x": 1}) == "{x.__class__}"
    assert render("{x[0]}", {"x": "ab"}) == "{x[0]}"
    assert render("got {x!r}", {"x": "a"}) == "got 'a'"
    assert time.monotonic() - t0 < 0.5


def test_a_journal_message_key_not_in_the_catalog_is_not_formatted(tmp_path: Path) -> None:
    from harness.i18n import check_message

    check = {"message_key": "{x:>99999999}", "message_args": {"x": 1}, "message": "recorded"}
    assert check_message("en", check) == "recorded"


def _tar_gz(members: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w:gz") as tar:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return buf.getvalue()


def test_a_snapshot_reads_only_the_manifests_names(tmp_path: Path) -> None:
    # before: every member up to 8 MiB was kept, whatever its name (a 1,864-byte archive took 560 MB)
    zeros = b"\0" * (MAX_MEMBER - 1)
    members = {f"files/junk/{i}": zeros for i in range(20)}
    members["files/etc/os-release"] = b"ID=kylin\n"
    path = tmp_path / "snap.tar.gz"
    path.write_bytes(_tar_gz(members))
    assert path.stat().st_size < 1_000_000
    facts = read_snapshot(path)
    assert list(facts.files) == ["/etc/os-release"]


def test_a_snapshot_has_a_total_cap(tmp_path: Path) -> None:
    from harness.facts.manifest import FILES

    chunk = b"x" * (MAX_MEMBER - 1)
    members = {"files" + f: chunk for f in FILES[: MAX_TOTAL // MAX_MEMBER + 2]}
    path = tmp_path / "snap.tar.gz"
    path.write_bytes(_tar_gz(members))
    with pytest.raises(InputError, match="MiB in all"):
        read_snapshot(path)


@pytest.mark.parametrize("mode", ["w:bz2", "w:xz"])
def test_only_gzip_archives_are_snapshots(tmp_path: Path, mode: str) -> None:
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode=mode) as tar:  # type: ignore[call-overload]
        info = tarfile.TarInfo("files/etc/os-release")
        data = b"ID=kylin\n"
        info.size = len(data)
        tar.addfile(info, io.BytesIO(data))
    path = tmp_path / "snap.tar"
    path.write_bytes(buf.getvalue())
    with pytest.raises(InputError, match="not a snapshot archive"):
        read_snapshot(path)
    assert gzip  # the one compression the collectors write is read (test_snapshot_reads_only...)


def test_the_local_output_cap_stops_reading_and_kills() -> None:
    from harness.transport.local import OUTPUT_CAP, LocalTransport

    t0 = time.monotonic()
    result = LocalTransport().run("yes; echo never-finished")
    assert result.truncated and result.rc == -9 and len(result.stdout) == OUTPUT_CAP
    assert time.monotonic() - t0 < 10


def test_the_fact_script_bounds_every_file_it_reads(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import harness.facts.script as script

    huge = tmp_path / "os-release"
    with open(huge, "wb") as fh:
        fh.truncate(script.FILE_CAP * 8)  # sparse: 16 MiB that take no disk
    monkeypatch.setattr(script, "FILES", (str(huge),))
    monkeypatch.setattr(script, "COMMANDS", {"big": f"head -c {script.FILE_CAP * 4} /dev/zero", "rc": "exit 7"})
    token, text = script.build_script()
    out = subprocess.run(["sh", "-s"], input=text.encode(), capture_output=True, check=True, timeout=60).stdout
    facts = script.parse_output(token, out)
    assert len(facts.files[str(huge)]) == script.FILE_CAP
    assert len(facts.commands["big"]) == script.FILE_CAP
    assert facts.rcs["rc"] == 7  # the command's own status, not the cut's
