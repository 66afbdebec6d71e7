"""The command line's errors: exit 3, one line naming what is wrong and where, no traceback."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import xcert


def _one_line_no_traceback(stderr: str) -> str:
    lines = [ln for ln in stderr.splitlines() if ln.strip()]
    assert len(lines) == 1, stderr
    assert "Traceback" not in stderr
    return lines[0]


def test_unknown_profile() -> None:
    proc = xcert("certify", "--profile", "fastest")
    assert proc.returncode == 3
    line = _one_line_no_traceback(proc.stderr)
    assert "--profile" in line and "fastest" in line


def test_missing_inventory(tmp_path: Path) -> None:
    missing = tmp_path / "nope.yml"
    proc = xcert("certify", "-i", str(missing), "--out", str(tmp_path / "run"))
    assert proc.returncode == 3
    assert _one_line_no_traceback(proc.stderr) == f"xcert: {missing}: inventory not found"
    assert not (tmp_path / "run").exists()


def test_malformed_yaml_inventory_names_file_and_line(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yml"
    bad.write_text("all:\n  hosts:\n    a:\n      ansible_host: 10.0.0.1\n   b: [\n", encoding="utf-8")
    proc = xcert("certify", "-i", str(bad), "--out", str(tmp_path / "run"))
    assert proc.returncode == 3
    line = _one_line_no_traceback(proc.stderr)
    assert f"{bad}:5" in line


def test_bad_port_names_the_key(tmp_path: Path) -> None:
    inv = tmp_path / "inv.yml"
    inv.write_text("all:\n  hosts:\n    web1:\n      ansible_port: http\n", encoding="utf-8")
    proc = xcert("certify", "-i", str(inv), "--out", str(tmp_path / "run"))
    assert proc.returncode == 3
    line = _one_line_no_traceback(proc.stderr)
    assert "web1.ansible_port" in line and str(inv) in line


def test_unwritable_out(tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    proc = xcert("certify", "--out", str(blocker / "run"))
    assert proc.returncode == 3
    line = _one_line_no_traceback(proc.stderr)
    assert str(blocker / "run") in line


def test_debug_shows_the_traceback(tmp_path: Path) -> None:
    proc = xcert("--debug", "certify", "-i", str(tmp_path / "nope.yml"))
    assert proc.returncode != 0
    assert "Traceback" in proc.stderr


def test_report_on_a_directory_that_is_not_a_run(tmp_path: Path) -> None:
    proc = xcert("report", str(tmp_path))
    assert proc.returncode == 3
    assert "not an xcert run directory" in _one_line_no_traceback(proc.stderr)


def test_unknown_language(tmp_path: Path) -> None:
    proc = xcert("certify", "--lang", "xx", "--out", str(tmp_path / "run"))
    assert proc.returncode == 3
    assert "--lang" in _one_line_no_traceback(proc.stderr)
