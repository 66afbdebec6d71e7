"""Where the project's parts live: the suites and the catalog."""

from __future__ import annotations

import os
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def suites_dir() -> Path:
    """The suites folder (``XCERT_SUITES`` overrides, for a suite kept elsewhere)."""
    return Path(os.environ.get("XCERT_SUITES") or PROJECT_ROOT / "suites")


def catalog_dir() -> Path:
    return Path(__file__).resolve().parent / "catalog"
