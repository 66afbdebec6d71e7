"""Command-line conventions users of pytest, Ansible and InSpec expect: no abbreviations, exit codes
in --help, one error prefix, completion scripts and a man page generated from the parser."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from tests.conftest import xcert


def test_abbreviated_options_are_refused_not_guessed() -> None:
    proc = xcert("certify", "--profil", "full", "--out", "/nonexistent/never")
    assert proc.returncode == 3
    assert proc.stderr.strip() == "xcert: error: unrecognized arguments: --profil full"


def test_abbreviations_are_refused_in_subcommands_too() -> None:
    proc = xcert("lab", "up", "--host", "3")
    assert proc.returncode == 3 and proc.stderr.startswith("xcert: error: ")


@pytest.mark.parametrize("args", [("--help",), ("certify", "--help"), ("report", "--help")])
def test_help_lists_the_exit_codes(args: tuple[str, ...]) -> None:
    proc = xcert(*args)
    assert proc.returncode == 0
    for line in ("0    certified", "1    not certified", "2    incomplete", "3    bad usage", "130  interrupted"):
        assert line in proc.stdout, proc.stdout


@pytest.mark.parametrize("shell", ["bash", "zsh"])
def test_completion_scripts_are_valid_shell(shell: str) -> None:
    proc = xcert("completion", shell)
    assert proc.returncode == 0
    assert "certify" in proc.stdout and "--profile" in proc.stdout
    if shutil.which(shell):
        check = subprocess.run([shell, "-n"], input=proc.stdout, text=True, capture_output=True, timeout=60)
        assert check.returncode == 0, check.stderr


def test_the_man_page_is_generated_from_the_parser() -> None:
    proc = xcert("man")
    assert proc.returncode == 0
    assert proc.stdout.startswith(".TH XCERT")
    assert "certify" in proc.stdout


def test_verbose_and_quiet_are_accepted() -> None:
    assert xcert("-v", "--version").returncode == 0
    assert xcert("-q", "--version").returncode == 0


def test_certify_json_is_the_summary_on_stdout_and_validates(tmp_path: Path) -> None:
    import json
    from importlib import resources

    from jsonschema import Draft202012Validator

    proc = xcert(
        "certify", "--check", "XC-OS-001", "--no-provision", "--json", "--format", "json", "--out", str(tmp_path / "r")
    )
    assert proc.returncode == 2, proc.stderr  # a partial selection is INCOMPLETE
    summary = json.loads(proc.stdout)  # stdout holds the JSON alone: progress and tables are on stderr
    schema = json.loads(resources.files("harness").joinpath("schema/certify-output.schema.json").read_text())
    Draft202012Validator(schema).validate(summary)
    assert summary["run_dir"] == str(tmp_path / "r") and summary["verdict"] == "INCOMPLETE"
    assert summary["hosts"][0]["counts"]["pass"] == 1 and summary["selection"]["checks"] == ["XC-OS-001"]
