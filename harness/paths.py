"""Where the project's parts live: the suites, the inventories and the catalog.

In a checkout they are the top-level ``suites/`` and ``inventories/``; an installed wheel carries them
as data under ``<prefix>/share/xcert/`` (pyproject's data-files), so ``xcert certify`` works from any
directory after ``pip install`` or ``pipx install``.
"""

from __future__ import annotations

import os
import sys
import sysconfig
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def _installed_data() -> Path:
    return Path(sysconfig.get_path("data")) / "share" / "xcert"


def data_root() -> Path:
    """The folder holding ``suites/`` and ``inventories/``: the checkout's root, else the wheel's data."""
    if (PROJECT_ROOT / "suites").is_dir():
        return PROJECT_ROOT
    for candidate in (_installed_data(), Path(sys.prefix) / "share" / "xcert"):
        if (candidate / "suites").is_dir():
            return candidate
    return PROJECT_ROOT


def suites_dir() -> Path:
    """The suites folder (``XCERT_SUITES`` overrides, for a suite kept elsewhere)."""
    return Path(os.environ.get("XCERT_SUITES") or data_root() / "suites")


def inventories_dir() -> Path:
    return data_root() / "inventories"


def default_inventory() -> Path:
    """The embedded default: certify the machine xcert runs on."""
    return inventories_dir() / "localhost.yml"


def catalog_dir() -> Path:
    return Path(__file__).resolve().parent / "catalog"
