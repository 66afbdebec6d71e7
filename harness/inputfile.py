"""Input files a run takes (lab config, waivers): read with one clear error, kept in the run directory."""

from __future__ import annotations

import shutil
from pathlib import Path

from harness.errors import InputError, Location


def read_text(path: Path, what: str) -> str:
    """The file's UTF-8 text, or an InputError naming the file: ``cannot read the {what} (...)``."""
    try:
        return path.read_text(encoding="utf-8")
    except OSError as exc:
        raise InputError(Location(str(path)), f"cannot read the {what} ({exc.strerror})") from None
    except UnicodeDecodeError:
        raise InputError(Location(str(path)), "not UTF-8 text") from None


def keep_copy(path: Path, target: Path) -> Path:
    """Copy an already checked input file into the run directory (unless it is that very file)."""
    if path.resolve() != target.resolve():
        shutil.copyfile(path, target)
    return target
