"""Commands import only what they need: --version, checks, report and verify never load ansible-core or paramiko,
and identify from a snapshot loads neither either."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

CODE = """
import sys
from harness.cli import main
try:
    main(sys.argv[1:])
except SystemExit:
    pass
heavy = sorted({m.split(".")[0] for m in sys.modules if m.split(".")[0] in ("ansible", "paramiko", "invoke")})
print("HEAVY=" + ",".join(heavy), file=sys.stderr)
"""


def _heavy(*args: str) -> str:
    done = subprocess.run([sys.executable, "-c", CODE, *args], capture_output=True, text=True, timeout=120, check=False)
    line = next(ln for ln in done.stderr.splitlines() if ln.startswith("HEAVY="))
    return line.removeprefix("HEAVY=")


@pytest.mark.parametrize(
    "args", [("--version",), ("checks",), ("report", "--help"), ("verify", "--help"), ("checks", "--json")]
)
def test_light_commands_import_neither_ansible_nor_paramiko(args: tuple[str, ...]) -> None:
    assert _heavy(*args) == ""


def test_identify_of_a_snapshot_imports_neither(tmp_path: Path) -> None:
    from harness.facts.snapshot import Facts

    snap = tmp_path / "snap"
    Facts(files={"/etc/os-release": b"ID=debian\n"}, commands={"uname-m": b"x86_64\n"}).write_snapshot(snap)
    assert _heavy("identify", "--snapshot", str(snap), "--json") == ""
