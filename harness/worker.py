"""One host's checks, in a process of its own: ``python -m harness.worker RUN_DIR SLUG PROFILE``.

The host spec, secrets included, arrives as JSON on standard input and is never written to disk.
A process per host means a host that hangs or dies holds up, and takes down, nobody else.
"""

from __future__ import annotations

import json
import sys

import pytest

from harness import pytest_plugin
from harness.inventory import HostSpec
from harness.paths import suites_dir


def main(argv: list[str]) -> int:
    run_dir, slug, profile = argv[:3]
    spec_data = json.loads(sys.stdin.read() or "null")
    if spec_data:
        pytest_plugin.INJECTED_SPEC = HostSpec(**spec_data)
    args = [
        str(suites_dir()),
        "-p",
        "harness.pytest_plugin",
        "-p",
        "harness.db.pytest_db",
        "-p",
        "no:testinfra",
        "-p",
        "no:cacheprovider",
        "-p",
        "no:randomly",
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
