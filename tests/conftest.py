"""Shared helpers for the project's own tests."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"

# xcert's caches (resolved inventories, the compiled catalog) start empty for each test session and
# never touch the user's own (subprocesses inherit this)
if "XCERT_CACHE_DIR" not in os.environ:
    import atexit
    import tempfile

    os.environ["XCERT_CACHE_DIR"] = tempfile.mkdtemp(prefix="xcert-test-cache-")
    atexit.register(shutil.rmtree, os.environ["XCERT_CACHE_DIR"], True)


def xcert(
    *args: str, env: dict[str, str] | None = None, timeout: float = 300, **kw: Any
) -> subprocess.CompletedProcess[str]:
    """Run the real xcert command line."""
    return subprocess.run(
        [sys.executable, "-m", "harness", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        env={**os.environ, **(env or {})},
        cwd=ROOT,
        check=False,
        **kw,
    )


@pytest.fixture
def refdata() -> Path:
    path = SHARED / "refdata"
    if not path.is_dir():
        pytest.skip("../shared/refdata is not beside the checkout")
    return path


def needs(tool: str) -> None:
    if shutil.which(tool) is None:
        pytest.skip(f"{tool} is not installed")


#: seconds each test file took in a whole run (setup, call and teardown summed), to schedule the longest first;
#: rewritten by ``pytest tests -n 2 --dist loadfile --no-loadscope-reorder --record-durations``
DURATIONS = Path(__file__).with_name("durations.json")


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--record-durations",
        action="store_true",
        default=False,
        help=f"write each test file's total duration to {DURATIONS.name} (the run's order comes from it)",
    )


def _file_of(nodeid: str) -> str:
    return nodeid.split("::", 1)[0]


def _durations() -> dict[str, float]:
    try:
        data = json.loads(DURATIONS.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(data, dict):
        return {}
    return {str(k): float(v) for k, v in data.items() if isinstance(v, (int, float))}


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """The longest files first, so that two xdist workers given whole files (``--dist loadfile
    --no-loadscope-reorder``) end together: the last file handed out is a short one. A file not yet in
    durations.json counts as a middling one. Modules with a test marked ``late`` run after all others (a
    fixture they need is built in the background meanwhile). A module stays whole and in its own order,
    so its module-scoped fixtures are set up once."""
    late = {_file_of(item.nodeid) for item in items if item.get_closest_marker("late") is not None}
    known = _durations()
    ranked = sorted(known.values())
    unknown = ranked[len(ranked) // 2] if ranked else 0.0

    def key(item: pytest.Item) -> tuple[bool, float, str]:
        name = _file_of(item.nodeid)
        return name in late, -known.get(name, unknown), name

    items.sort(key=key)


class _DurationRecorder:
    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        name = _file_of(report.nodeid)
        self.seconds[name] = self.seconds.get(name, 0.0) + report.duration

    def pytest_sessionfinish(self) -> None:
        data = {name: round(s, 1) for name, s in sorted(self.seconds.items(), key=lambda kv: -kv[1])}
        DURATIONS.write_text(json.dumps(data, indent=1) + "\n", encoding="utf-8")


def pytest_configure(config: pytest.Config) -> None:
    # in the controller only (xdist's workers report to it)
    if config.getoption("--record-durations") and not hasattr(config, "workerinput"):
        config.pluginmanager.register(_DurationRecorder(), "xcert-duration-recorder")
