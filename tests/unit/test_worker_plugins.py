"""A host worker loads only the harness's plugin, unless a user suite may need the installed ones."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from harness.worker import autoload_plugins, blocked_plugins


def test_autoload_only_with_user_suites() -> None:
    assert autoload_plugins([]) is False
    assert autoload_plugins(["/run/suites/user-1"]) is True


def test_testinfra_host_fixture_is_always_blocked() -> None:
    args = blocked_plugins()
    assert "no:cacheprovider" in args and any(a.startswith("no:") and "testinfra" in a for a in args)


def test_a_worker_without_user_suites_loads_no_installed_plugin(tmp_path: Path) -> None:
    """What the worker hands pytest, seen from a real process: entry-point plugins are not loaded."""
    probe = (
        "import os, sys, harness.worker as w\n"
        "import pytest\n"
        "seen = {}\n"
        "def fake(args):\n"
        "    seen['env'] = os.environ.get('PYTEST_DISABLE_PLUGIN_AUTOLOAD')\n"
        "    return 0\n"
        "pytest.main = fake\n"
        "w.prepare = lambda *a: []\n"
        "import harness.usersuite.worker as u; u.prepare = lambda *a: []\n"
        "w.main([sys.argv[1], 'h', 'quick'])\n"
        "print(seen['env'])\n"
    )
    env = {k: v for k, v in os.environ.items() if k != "PYTEST_DISABLE_PLUGIN_AUTOLOAD"}
    proc = subprocess.run(
        [sys.executable, "-c", probe, str(tmp_path)], input=json.dumps(None), capture_output=True, text=True, env=env,
        check=False, timeout=60,
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "1"
