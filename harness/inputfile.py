"""Input files a run takes (lab config, waivers): read with one clear error, kept in the run directory."""

from __future__ import annotations

from pathlib import Path

from harness.errors import InputError, Location

#: a waiver file or lab config larger than this is refused
INPUT_CAP = 4 * 1024 * 1024


def read_text(path: Path, what: str) -> str:
    """The file's UTF-8 text, or an InputError naming the file: ``cannot read the {what} (...)``."""
    from harness.rundir import read_bounded

    try:
        # an input file is data: a regular file of sensible size (never a FIFO, a device, a link's target)
        return read_bounded(path.resolve(), INPUT_CAP).decode("utf-8")
    except OSError as exc:
        raise InputError(Location(str(path)), f"cannot read the {what} ({exc.strerror})") from None
    except UnicodeDecodeError:
        raise InputError(Location(str(path)), "not UTF-8 text") from None


def keep_copy(path: Path, target: Path) -> Path:
    """Copy an already checked input file into the run directory (unless it is that very file).

    The copy is renamed into place; a link planted at the target is refused, never written through.
    """
    from harness.rundir import write_bytes_atomic

    if target.is_symlink() or path.resolve() != target.resolve():
        write_bytes_atomic(target, path.read_bytes(), target.parent)
    return target
