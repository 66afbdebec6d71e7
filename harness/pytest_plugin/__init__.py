"""The harness's pytest plugin: runs the checks of suites/ against one host and journals them.

Loaded by the worker (``python -m harness.worker``) with ``--xcert-run DIR --xcert-host SLUG``, and
by ``conftest.py``; without those options it stays inert, so the project's own tests are unaffected.

One job per module:

- ``run``: the host run (loading run.json, the spec, the journal; connect and identify; journaling a
  decision) and ``current_run()``, the public way for a layer's plugin to reach it
- ``planning``: the plan, profiles, resume, suite modules that do not load, tests without ``@check``
- ``hooks``: each check's setup, call and report, decided by ``harness.decide``
- ``timer``: the check's own timeout; ``signals``: graceful stop and abort; ``fixtures``: for checks

Layer plugins (``harness.layers`` ``plugin=``) are loaded with it.
"""

from __future__ import annotations

from harness.layers import PLUGINS
from harness.pytest_plugin.run import HOST_RUN, HostRun, check_key, current_run, inject_spec

pytest_plugins = [
    "harness.pytest_plugin.run",
    "harness.pytest_plugin.planning",
    "harness.pytest_plugin.hooks",
    "harness.pytest_plugin.timer",
    "harness.pytest_plugin.signals",
    "harness.pytest_plugin.fixtures",
    "harness.usersuite.plugin",
    *PLUGINS,
]

__all__ = ["HOST_RUN", "HostRun", "check_key", "current_run", "inject_spec"]
