"""Users' own pytest-testinfra suites (``xcert certify --suite DIR``), run beside the built-in checks.

``from harness.usersuite import check`` declares a user check with the user's own id (declare.py);
ids of undeclared tests (ids.py); validating and copying a suite into the run (stage.py); Molecule's
and testinfra's conventions in the worker (molecule.py, worker.py); the pytest hooks (plugin.py).
docs/USER_SUITES.md is the user's guide.
"""

from __future__ import annotations

from harness.usersuite.declare import check

__all__ = ["check"]
