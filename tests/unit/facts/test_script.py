from __future__ import annotations

import subprocess

import pytest

from harness.facts.manifest import COMMANDS, FILES
from harness.facts.script import build_script, parse_output


def _run(script: str) -> bytes:
    return subprocess.run(["sh", "-s"], input=script.encode(), capture_output=True, check=True).stdout


def test_one_pass_yields_every_command_with_its_rc() -> None:
    token, script = build_script()
    facts = parse_output(token, _run(script))
    assert set(facts.commands) == set(COMMANDS)
    assert set(facts.rcs) == set(COMMANDS)
    assert facts.command("uname-m")
    assert set(facts.files) <= set(FILES)
    assert "/proc/cpuinfo" in facts.files


def test_content_cannot_forge_a_section() -> None:
    # a file or command whose output imitates the boundary of another token is just content
    token, _ = build_script("aaaa")
    forged = b"\n@@XCERT-bbbb file /etc/os-release\nID=forged\n"
    output = b"\n@@XCERT-aaaa file /etc/motd\n" + forged + b"\n@@XCERT-aaaa end\n"
    facts = parse_output(token, output)
    assert list(facts.files) == ["/etc/motd"]
    assert b"ID=forged" in facts.files["/etc/motd"]


def test_file_without_trailing_newline_is_kept_exactly() -> None:
    token = "cafe"
    output = b"\n@@XCERT-cafe file /etc/hostname\nhost-1\n@@XCERT-cafe end\n"
    assert parse_output(token, output).files["/etc/hostname"] == b"host-1"


def test_failed_command_reads_as_none() -> None:
    token = "cafe"
    output = b"\n@@XCERT-cafe cmd lscpu\n\n@@XCERT-cafe rc lscpu 127\n"
    facts = parse_output(token, output)
    assert facts.rcs["lscpu"] == 127
    assert facts.command("lscpu") is None


def test_snapshot_dir_follows_links_inside_and_never_outside(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from harness.facts.snapshot import read_snapshot

    (tmp_path / "files/usr/lib").mkdir(parents=True)
    (tmp_path / "files/etc").mkdir(parents=True)
    (tmp_path / "files/usr/lib/os-release").write_text("ID=kylin\n")
    (tmp_path / "files/etc/os-release").symlink_to("../usr/lib/os-release")
    (tmp_path / "files/etc/hostname").symlink_to("/etc/hostname")  # this machine's: never read
    facts = read_snapshot(tmp_path)
    assert facts.file("/etc/os-release") == "ID=kylin\n"
    assert "/etc/hostname" not in facts.files


def test_small_commands_share_one_capped_stream_and_keep_their_own_status(monkeypatch: pytest.MonkeyPatch) -> None:
    from harness.facts import script

    monkeypatch.setattr(
        script, "COMMANDS", {"uname-m": "exit 5", "hostname": "printf 'h1\\n'", "df": "printf 'big\\n'; exit 3"}
    )
    token, text = script.build_script()
    facts = script.parse_output(token, _run(text))
    assert facts.rcs == {"uname-m": 5, "hostname": 0, "df": 3}  # `exit` ran in its own shell, not the script's
    assert facts.commands["hostname"] == b"h1\n" and facts.commands["df"] == b"big\n"


def test_a_flood_in_the_shared_stream_is_cut_at_the_cap(monkeypatch: pytest.MonkeyPatch) -> None:
    from harness.facts import script

    flood = f"head -c {script.FILE_CAP * 2} /dev/zero"
    monkeypatch.setattr(script, "COMMANDS", {"uname-m": flood, "hostname": "hostname", "df": "printf 'after\\n'"})
    token, text = script.build_script()
    facts = script.parse_output(token, _run(text))
    assert len(facts.commands["uname-m"]) < script.FILE_CAP  # the shared stream as a whole is cut at the cap
    assert "hostname" not in facts.rcs  # what came after the cut in that stream is missing, never invented
    assert facts.commands["df"] == b"after\n" and facts.rcs["df"] == 0  # the pass goes on after it
