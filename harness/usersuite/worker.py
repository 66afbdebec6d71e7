"""The host worker's side of user suites: what pytest collects besides suites/, and the environment."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from harness.inventory import HostSpec
from harness.rundir import load_run_meta
from harness.usersuite.molecule import environment
from harness.usersuite.stage import FOLDER, staged_paths


def prepare(run_dir: Path, slug: str, spec: HostSpec | None) -> list[str]:
    """The folder to collect (``<run>/usersuites``) when the run has user suites, with the worker's
    environment set for them (Molecule's variables, PATH, no bytecode); ``[]`` otherwise."""
    meta = load_run_meta(run_dir)
    staged = staged_paths(run_dir, meta)
    if not staged:
        return []
    if spec is None:
        host = next((h for h in meta.get("hosts") or [] if isinstance(h, dict) and h.get("slug") == slug), None)
        if host is None:
            return []
        spec = HostSpec(**{k: v for k, v in host.items() if k in HostSpec.__dataclass_fields__})
    entries = [e for e in meta.get("user_suites") or [] if isinstance(e, dict)]
    label, folder = staged[0]
    os.environ.update(environment(run_dir, slug, spec, (label, folder, str(entries[0].get("source") or ""))))
    sys.dont_write_bytecode = True  # pytest's assertion rewriting then writes no .pyc either
    # pytest's importlib mode leaves sys.path alone: a test importing a helper module beside it still finds it
    sys.path[:0] = [str(folder) for _, folder in staged]
    return [str((run_dir / FOLDER).resolve())]


__all__ = ["prepare"]
