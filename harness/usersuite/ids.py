"""Stable ids for users' own tests: ``USER-<slug>`` from the test's path in its suite and its name.

The slug is the file's path inside its suite folder (``.py`` and a leading ``test_`` dropped) and the
test's name (a class name kept, ``test_`` dropped), lower-cased, every run of other characters one ``-``:
``molecule/default/tests/test_default.py::test_hosts_file`` in the suite folder ``tests`` gives
``USER-default-hosts-file``. It depends on nothing but those names, so it is the same on every run
and every machine. A parametrized test is one check per parameter set: its id is the test's, its
subject the parameter id (``USER-default-directories[/etc/prometheus]``).

Collisions are resolved deterministically: when two different tests give the same slug, each of them
gets ``-`` and the first 6 hex digits of the SHA-256 of ``<suite label>/<path>::<name>``; if even that
is shared (the same file in two suites with the same label), the later suite on the command line gets
``-2``, ``-3``... A slug longer than 60 characters is cut and ends with 8 hex digits of the same hash.
Slugs are lower case, so they never meet the fixed upper-case ids (``USER-IMPORT``).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import PurePosixPath

PREFIX = "USER-"
#: the row of a user suite file that could not be loaded (its subject names the file)
IMPORT_ID = "USER-IMPORT"
MAX_SLUG = 60
_OTHER = re.compile(r"[^a-z0-9]+")


@dataclass(frozen=True)
class UserTest:
    """A user test: its suite's label and position on the command line, its path in the suite, its name."""

    suite: str
    order: int
    path: str  # POSIX, relative to the suite folder
    name: str  # "test_x" or "TestClass::test_x", without parameters

    @property
    def full(self) -> str:
        return f"{self.suite}/{self.path}::{self.name}"


def slug(text: str) -> str:
    return _OTHER.sub("-", text.lower()).strip("-")


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def base_id(test: UserTest) -> str:
    """The id before collisions are resolved."""
    path = PurePosixPath(test.path)
    parts = [*path.parent.parts, path.stem.removeprefix("test_")]
    names = test.name.split("::")
    names[-1] = names[-1].removeprefix("test_")
    body = slug("-".join([*parts, *names])) or "test"
    if len(body) > MAX_SLUG:
        body = body[: MAX_SLUG - 9].rstrip("-") + "-" + _digest(test.full)[:8]
    return PREFIX + body


def assign(tests: Sequence[UserTest]) -> dict[UserTest, str]:
    """Every test's id, collisions resolved as the module docstring says (the input order does not matter)."""
    unique = sorted(set(tests), key=lambda t: (t.order, t.suite, t.path, t.name))
    by_base: dict[str, list[UserTest]] = {}
    for test in unique:
        by_base.setdefault(base_id(test), []).append(test)
    out: dict[UserTest, str] = {}
    taken: set[str] = set()
    for base, group in by_base.items():
        if len(group) == 1:
            out[group[0]] = base
            taken.add(base)
    for base, group in by_base.items():
        if len(group) == 1:
            continue
        for test in group:
            candidate = f"{base}-{_digest(test.full)[:6]}"
            number = 2
            while candidate in taken:
                candidate = f"{base}-{_digest(test.full)[:6]}-{number}"
                number += 1
            out[test] = candidate
            taken.add(candidate)
    return out


__all__ = ["IMPORT_ID", "PREFIX", "UserTest", "assign", "base_id", "slug"]
