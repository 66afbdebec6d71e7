"""One host's checks, in a process of its own: ``python -m harness.worker RUN_DIR SLUG PROFILE``.

The host spec, secrets included, arrives as JSON on standard input and is never written to disk.
A process per host means a host that hangs or dies holds up, and takes down, nobody else.
"""

from __future__ import annotations

import json
import os
import sys
from importlib import metadata
from pathlib import Path

import pytest

from harness.inventory import HostSpec
from harness.paths import suites_dir
from harness.pytest_plugin import inject_spec


def blocked_plugins() -> list[str]:
    """``-p no:NAME`` for pytest plugins a host run must not load.

    testinfra registers its plugin under the entry-point name ``pytest11.testinfra`` (not
    ``testinfra``), and its ``host`` fixture would inspect this machine instead of the target;
    the cache provider and random ordering have no place in a certification run either.
    """
    names = {"testinfra", "cacheprovider", "randomly"}
    for ep in metadata.entry_points(group="pytest11"):
        if ep.value.split(":")[0] == "testinfra.plugin" or ep.value.startswith("pytest_randomly"):
            names.add(ep.name)
    return [arg for name in sorted(names) for arg in ("-p", f"no:{name}")]


def autoload_plugins(user_suites: list[str]) -> bool:
    """Whether pytest loads every installed plugin (entry points) in this worker.

    The built-in suites need only the harness's plugin, named with ``-p``; scanning and importing
    every installed plugin (hypothesis, xdist in a dev venv) was a quarter of a host's CPU (LAB-NOTES).
    A user suite (``--suite``) may rely on an installed plugin as plain pytest would load it: kept then.
    """
    return bool(user_suites)


def main(argv: list[str]) -> int:
    run_dir, slug, profile = argv[:3]
    spec_data = json.loads(sys.stdin.read() or "null")
    spec = HostSpec(**spec_data) if spec_data else None
    if spec is not None:
        inject_spec(spec)
    from harness.usersuite.worker import prepare

    user_suites = prepare(Path(run_dir), slug, spec)  # the run's --suite copies, Molecule's env; [] without
    if not autoload_plugins(user_suites):
        os.environ["PYTEST_DISABLE_PLUGIN_AUTOLOAD"] = "1"
    args = [
        str(suites_dir()),
        *user_suites,
        # the harness's plugin; it loads each registered layer's plugin (harness.layers)
        "-p",
        "harness.pytest_plugin",
        *blocked_plugins(),
        # a suite module that does not load is an error row of its own; the other checks still run
        "--continue-on-collection-errors",
        # users' folders hold test_default.py side by side without __init__.py: import each file on its own
        *(["--import-mode=importlib"] if user_suites else []),
        "--rootdir",
        str(suites_dir().parent),
        "--confcutdir",
        str(suites_dir()),
        "-o",
        "addopts=",
        "--strict-markers",
        "-q",
        "--no-header",
        "-rN",
        "--tb=line",
        "--xcert-run",
        run_dir,
        "--xcert-host",
        slug,
        "--xcert-profile",
        profile,
    ]
    return int(pytest.main(args))


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
