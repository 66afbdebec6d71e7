"""Shared helpers for the project's own tests."""

from __future__ import annotations

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


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Modules with a test marked ``late`` run after the others (a fixture they need is built in the background
    meanwhile); a module stays whole, so its module-scoped fixtures are set up once."""
    late = {item.nodeid.split("::", 1)[0] for item in items if item.get_closest_marker("late") is not None}
    items.sort(key=lambda item: item.nodeid.split("::", 1)[0] in late)
