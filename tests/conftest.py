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


#: a ``late`` module is handed out no sooner than this place in the order: by then the fixture it waits for
#: (the arm64 root, built beside ruff and mypy by scripts/test.sh) is ready, and the run does not end on it
LATE_PLACE = 12


def module_order(modules: list[str], seconds: dict[str, float], waiting: set[str], late: set[str]) -> list[str]:
    """The order the test files are handed out in, for xdist workers given whole files (``--dist loadfile
    --no-loadscope-reorder``): each worker gets the next file in this order when it has two tests left.

    The longest first, so that the workers end together: the last file handed out is a short one (a file not
    yet in durations.json counts as a middling one). A ``waiting`` file (it spends its time in soaks, kills
    and recoveries, not on the CPU) is followed by the longest busy file, so the workers never start on two
    waiting files side by side with the CPU idle (measured: a fresh clone's suite 559 s, then 444 s with this
    order, the aarch64 files merged and a PDF fewer); a ``late`` file is handed out no sooner than LATE_PLACE.
    """
    ranked = sorted(seconds.values())
    unknown = ranked[len(ranked) // 2] if ranked else 0.0
    by_length = sorted(modules, key=lambda name: (-seconds.get(name, unknown), name))
    waits = [name for name in by_length if name in waiting and name not in late]
    busy = [name for name in by_length if name not in waiting and name not in late]
    order: list[str] = []
    for name in waits:
        order.append(name)
        if busy:
            order.append(busy.pop(0))
    order += busy
    for name in (name for name in by_length if name in late):
        order.insert(min(LATE_PLACE, len(order)), name)
    return order


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Files in module_order's order; a module stays whole and in its own order, so its module-scoped
    fixtures are set up once."""
    modules = list(dict.fromkeys(_file_of(item.nodeid) for item in items))

    def marked(name: str) -> set[str]:
        return {_file_of(item.nodeid) for item in items if item.get_closest_marker(name) is not None}

    place = {name: n for n, name in enumerate(module_order(modules, _durations(), marked("waiting"), marked("late")))}
    items.sort(key=lambda item: place[_file_of(item.nodeid)])


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
