"""The collectors: stdlib-only Python (in-process and as a printed standalone script) and POSIX sh.
A snapshot of this machine must identify exactly as the live fact pass does."""

from __future__ import annotations

import ast
import functools
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from harness.collect.script import python_script, sh_script
from harness.collect.standalone import collect, members, write_snapshot
from harness.facts.manifest import COMMANDS, FILES
from harness.facts.script import build_script, parse_output
from harness.facts.snapshot import Facts, read_snapshot
from harness.identify import identify_host

ROOT = Path(__file__).resolve().parents[3]


@functools.cache
def live_facts() -> Facts:
    """This machine's fact pass, once per session (each comparison reads it; nothing here changes the machine)."""
    token, script = build_script()
    out = subprocess.run(["sh", "-s"], input=script.encode(), capture_output=True, check=True, timeout=120).stdout
    return parse_output(token, out)


def assert_same_identity(live: Facts, snap: Facts) -> None:
    a, b = identify_host(live), identify_host(snap)
    for layer in ("cpu", "os", "server"):
        assert a.components[layer].as_dict() == b.components[layer].as_dict(), layer
    assert (a.consistent, a.issues) == (b.consistent, b.issues)
    if live.command("processes") == snap.command("processes"):  # other tests may start servers meanwhile
        for layer in ("db", "middleware"):
            assert a.components[layer].as_dict() == b.components[layer].as_dict(), layer


def test_standalone_module_imports_only_the_stdlib_and_the_manifest() -> None:
    for path in (ROOT / "harness/collect/standalone.py", ROOT / "harness/facts/manifest.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("harness"):
                assert node.module == "harness.facts.manifest", path
            if isinstance(node, ast.Import):
                assert all(alias.name in sys.stdlib_module_names for alias in node.names), path


def test_in_process_collect_identifies_as_the_live_host(tmp_path: Path) -> None:
    live = live_facts()
    out = collect(str(tmp_path / "snap.tar.gz"))
    assert_same_identity(live, read_snapshot(Path(out)))


def test_printed_python_script_runs_isolated_and_matches_live(tmp_path: Path) -> None:
    script = tmp_path / "xcert-collect.py"
    script.write_text(python_script("test"), encoding="utf-8")
    live = live_facts()
    # -I -S: no site-packages, no user paths, no harness: the standard library only
    done = subprocess.run(
        [sys.executable, "-I", "-S", str(script), "--out", str(tmp_path / "s.tar.gz")],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    snap = read_snapshot(Path(done.stdout.strip()))
    assert "/proc/cpuinfo" in snap.files and "uname-m" in snap.commands
    assert_same_identity(live, snap)


def test_printed_python_script_parses_as_python_3_5() -> None:
    ast.parse(python_script("test"), feature_version=(3, 5))  # no f-strings, no annotations


def _old_pythons() -> list[str]:
    candidates = [shutil.which(n) for n in ("python3.5", "python3.6", "python3.7")]
    candidates += [str(p) for p in sorted(Path.home().glob(".pyenv/versions/3.[567].*/bin/python3"))]
    found = []
    for path in candidates:
        if path and subprocess.run([path, "-c", "pass"], capture_output=True, check=False).returncode == 0:
            found.append(path)
    return found[:2]


def test_printed_python_script_runs_on_older_pythons(tmp_path: Path) -> None:
    pythons = _old_pythons()
    if not pythons:
        pytest.skip("no Python 3.5-3.7 interpreter on this machine")
    script = tmp_path / "xcert-collect.py"
    script.write_text(python_script("test"), encoding="utf-8")
    live = live_facts()
    for python in pythons:
        out = tmp_path / (Path(python).name + ".tar.gz")
        done = subprocess.run(
            [python, "-I", "-S", str(script), "--out", str(out)],
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        assert done.returncode == 0, (python, done.stderr)
        assert_same_identity(live, read_snapshot(out))


def test_sh_collector_matches_live(tmp_path: Path) -> None:
    script = tmp_path / "xcert-collect.sh"
    script.write_text(sh_script("test"), encoding="utf-8")
    live = live_facts()
    done = subprocess.run(
        ["sh", str(script), str(tmp_path / "snap")], capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == 0, done.stderr
    path = Path(done.stdout.strip())
    assert path.name == "snap.tar.gz" and path.is_file()
    assert_same_identity(live, read_snapshot(path))


def test_sh_collector_covers_the_manifest() -> None:
    text = sh_script()
    assert all(f in text for f in FILES)
    assert all(f"/commands/{name}.txt" in text for name in COMMANDS)


def test_failed_commands_are_left_out_and_directories_work(tmp_path: Path) -> None:
    items = members(
        {"/etc/os-release": b"ID=kylin\n"}, {"uname-m": b"aarch64\n", "lscpu": b"x"}, {"uname-m": 0, "lscpu": 1}
    )
    out = write_snapshot(str(tmp_path / "dir"), items)
    facts = read_snapshot(Path(out))
    assert facts.files == {"/etc/os-release": b"ID=kylin\n"}
    assert facts.commands == {"uname-m": b"aarch64\n"}


def test_xcert_collect_print_script_and_unwritable_out(tmp_path: Path) -> None:
    from tests.conftest import xcert

    printed = xcert("collect", "--print-script")
    assert printed.returncode == 0 and printed.stdout.startswith("#!/usr/bin/env python3")
    compile(printed.stdout, "xcert-collect.py", "exec")
    bad = xcert("collect", "--out", str(tmp_path / "missing" / "x.tar.gz"))
    assert bad.returncode == 3 and "Traceback" not in bad.stderr and "--out" in bad.stderr


@pytest.mark.parametrize("name", ["snap.tar.gz", "snapdir"])
def test_xcert_collect_then_identify(tmp_path: Path, name: str) -> None:
    from tests.conftest import xcert

    done = xcert("collect", "--out", str(tmp_path / name))
    assert done.returncode == 0, done.stderr
    ident = xcert("identify", "--snapshot", done.stdout.strip(), "--json")
    assert ident.returncode == 0, ident.stderr


def test_process_command_lines_are_bounded_and_masked() -> None:
    from harness.facts.manifest import COMMANDS

    command = COMMANDS["processes"]
    masking = command[command.index("| sed") :]
    lines = (
        "/usr/bin/java -Dspring.datasource.password=s3cret -DdbPwd:hunter2 -Dapi.token=abc com.x.Main\n"
        "/opt/dm/bin/dmserver path=/opt/dm.ini --admin-password hunter3 -p 5236\n"
        + "/usr/bin/java "
        + "x" * 5000
        + "\n"
    )
    done = subprocess.run(
        ["sh", "-c", "cat" + " " + masking], input=lines * 60, capture_output=True, text=True, check=True
    )
    out = done.stdout
    assert "s3cret" not in out and "hunter2" not in out and "hunter3" not in out and "abc" not in out
    assert "-Dspring.datasource.password=***" in out and "--admin-password ***" in out and "-p 5236" in out
    assert len(out.splitlines()) == 100 and max(len(x) for x in out.splitlines()) <= 2000
    long_java = (
        "/usr/bin/java -cp " + ":".join(f"lib/j{i}.jar" for i in range(600)) + " com.tongweb.server.Main start\n"
    )
    done = subprocess.run(["sh", "-c", "cat " + masking], input=long_java, capture_output=True, text=True, check=True)
    # the torn classpath word is dropped whole, the main class and its arguments are kept
    assert done.stdout == "/usr/bin/java -cp ... com.tongweb.server.Main start\n"
    assert " ... " in done.stdout and len(done.stdout.rstrip("\n")) <= 2000
