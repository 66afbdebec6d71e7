"""``--suite DIR``: a user's folder of tests, checked and copied into the run directory.

The folder is validated before anything runs (it exists, is a folder, can be read, stays within the
bounds below, has no symbolic link leading out of it) and then copied to ``<run>/usersuites/<label>/``:
the workers run the copy, so nothing is ever written into the user's folder (no ``__pycache__``, no
``.pytest_cache``), the run keeps the exact code it ran, and ``--resume`` can tell whether it changed.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import stat
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from harness.errors import InputError, Location, RunDirError
from harness.rundir import inside, write_bytes_atomic

MAX_SUITES = 16
MAX_FILES = 500
MAX_FILE_BYTES = 1 << 20
MAX_TOTAL_BYTES = 16 << 20
MAX_DEPTH = 12
#: folders never copied: caches and tool state (a run writes none of them either)
SKIPPED_DIRS = frozenset({"__pycache__", ".pytest_cache", ".git", ".tox", ".venv", ".mypy_cache", ".ruff_cache"})
#: where the copies go, inside the run directory
FOLDER = "usersuites"


@dataclass(frozen=True)
class SuiteSource:
    """A validated ``--suite`` folder: where it is, its label in the run, its files and digest."""

    path: Path
    label: str
    files: tuple[tuple[str, Path], ...]  # (POSIX path in the suite, real file)
    digest: str


def _label(path: Path) -> str:
    """``<role>-<scenario>`` for a Molecule scenario's tests folder, else the folder's name."""
    from harness.usersuite.ids import slug

    parts = path.parts
    if len(parts) >= 4 and parts[-1] == "tests" and parts[-3] == "molecule":
        text = f"{parts[-4]}-{parts[-2]}"
    elif len(parts) >= 3 and parts[-2] == "molecule":
        text = f"{parts[-3]}-{parts[-1]}"
    else:
        text = path.name
    return slug(text)[:40] or "suite"


def _walk(root: Path, shown: str) -> Iterator[tuple[str, Path]]:
    total = count = 0
    for dirpath, dirnames, filenames in os.walk(root, followlinks=False, onerror=None):
        here = Path(dirpath)
        depth = len(here.relative_to(root).parts)
        dirnames[:] = sorted(d for d in dirnames if d not in SKIPPED_DIRS)
        for d in list(dirnames):
            if (here / d).is_symlink():
                _refuse_link(root, here / d, shown)
                dirnames.remove(d)  # a link to a folder inside is not followed: its files are copied from there
        if depth > MAX_DEPTH:
            raise InputError(Location(shown, key="--suite"), f"folders nest deeper than {MAX_DEPTH} levels")
        for name in sorted(filenames):
            path = here / name
            rel = path.relative_to(root).as_posix()
            if path.is_symlink():
                _refuse_link(root, path, shown)
            try:
                st = path.stat()
            except OSError as exc:
                raise InputError(Location(f"{shown}/{rel}", key="--suite"), f"cannot be read ({exc.strerror})") from None
            if not stat.S_ISREG(st.st_mode):
                continue  # sockets, fifos: nothing a test suite needs
            count += 1
            total += st.st_size
            if count > MAX_FILES:
                raise InputError(Location(shown, key="--suite"), f"more than {MAX_FILES} files (a suite is bounded)")
            if st.st_size > MAX_FILE_BYTES:
                raise InputError(Location(f"{shown}/{rel}", key="--suite"), f"larger than {MAX_FILE_BYTES} bytes")
            if total > MAX_TOTAL_BYTES:
                raise InputError(Location(shown, key="--suite"), f"more than {MAX_TOTAL_BYTES} bytes in all")
            if not os.access(path, os.R_OK):
                raise InputError(Location(f"{shown}/{rel}", key="--suite"), "cannot be read (permission denied)")
            yield rel, path


def _refuse_link(root: Path, link: Path, shown: str) -> None:
    if not inside(root, link):
        rel = link.relative_to(root).as_posix()
        raise InputError(Location(f"{shown}/{rel}", key="--suite"), "a symbolic link leading out of the suite folder")


def _digest(files: Sequence[tuple[str, Path]]) -> str:
    h = hashlib.sha256()
    for rel, path in files:
        h.update(rel.encode("utf-8") + b"\0" + path.read_bytes() + b"\0")
    return "sha256:" + h.hexdigest()


def validate(paths: Sequence[str | Path]) -> tuple[SuiteSource, ...]:
    """Every ``--suite`` folder checked (one line naming it and exit 3 for the first that is not right)."""
    if len(paths) > MAX_SUITES:
        raise InputError(Location(str(paths[MAX_SUITES]), key="--suite"), f"more than {MAX_SUITES} suites")
    sources: list[SuiteSource] = []
    labels: set[str] = set()
    seen: set[Path] = set()
    for given in paths:
        shown = str(given)
        path = Path(given)
        if not path.exists():
            raise InputError(Location(shown, key="--suite"), "no such folder")
        if not path.is_dir():
            raise InputError(Location(shown, key="--suite"), "not a folder (--suite takes a folder of test files)")
        if not os.access(path, os.R_OK | os.X_OK):
            raise InputError(Location(shown, key="--suite"), "the folder cannot be read (permission denied)")
        real = path.resolve()
        if real in seen:
            raise InputError(Location(shown, key="--suite"), "given twice")
        seen.add(real)
        files = tuple(_walk(real, shown))
        if not any(rel.endswith(".py") for rel, _ in files):
            raise InputError(Location(shown, key="--suite"), "holds no Python test file")
        label = base = _label(real)
        number = 2
        while label in labels:
            label, number = f"{base}-{number}", number + 1
        labels.add(label)
        sources.append(SuiteSource(real, label, files, _digest(files)))
    return tuple(sources)


def stage(run_dir: Path, sources: Sequence[SuiteSource]) -> dict[str, Any]:
    """Copy each suite into the run directory; what run.json records of them (empty: none given)."""
    if not sources:
        return {}
    entries = []
    for number, source in enumerate(sources, start=1):
        # numbered: a folder named test* directly under the collected folder would have its conftest.py
        # loaded as one of pytest's initial conftests, where an import error ends the whole worker
        folder = f"{number:02d}-{source.label}"
        dest = run_dir / FOLDER / folder
        if dest.is_symlink() or (dest.exists() and not inside(run_dir, dest)):
            raise RunDirError(f"{dest}: leads outside the run directory; refusing to copy the suite there")
        if dest.exists():
            shutil.rmtree(dest)  # a resumed run: nothing but the suite's own files stays in the copy
        for rel, path in source.files:
            target = dest / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            write_bytes_atomic(target, path.read_bytes(), root=run_dir)
        entries.append({"label": source.label, "path": f"{FOLDER}/{folder}", "source": str(source.path),
                        "digest": source.digest, "files": len(source.files)})
    return {"user_suites": entries}


def restage(run_dir: Path, meta: Mapping[str, Any], sources: Sequence[SuiteSource]) -> None:
    """On ``--resume``: the same suites as the run started with (by digest), copied afresh.

    The copy in a run directory is data like any other (someone may have changed it); the code a resumed
    run executes comes again from the folders the operator names, and only when it is what the run ran.
    """
    recorded = meta.get("user_suites") or []
    want = [str(e.get("digest")) for e in recorded if isinstance(e, Mapping)] if isinstance(recorded, list) else []
    have = [s.digest for s in sources]
    if want != have:
        if want and not have:
            raise RunDirError(f"{run_dir}: cannot resume: the run ran user suites; give the same --suite folders again")
        raise RunDirError(f"{run_dir}: cannot resume: the user suites (--suite) changed since the run started")
    stage(run_dir, sources)


def staged_paths(run_dir: Path, meta: Mapping[str, Any]) -> list[tuple[str, Path]]:
    """(label, folder) of the run's copied suites, each inside the run directory."""
    out: list[tuple[str, Path]] = []
    entries = meta.get("user_suites") or []
    for entry in entries if isinstance(entries, list) else []:
        if not isinstance(entry, Mapping):
            continue
        label, rel = str(entry.get("label") or ""), str(entry.get("path") or "")
        folder = run_dir / rel
        if not label or not rel.startswith(f"{FOLDER}/") or not inside(run_dir, folder) or not folder.is_dir():
            raise RunDirError(f"{run_dir / 'run.json'}: user_suites: {rel!r} is not a suite copied into the run")
        out.append((label, folder.resolve()))
    return out


__all__ = ["FOLDER", "SuiteSource", "restage", "stage", "staged_paths", "validate"]
