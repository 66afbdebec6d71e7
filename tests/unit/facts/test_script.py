from __future__ import annotations

import subprocess

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
