"""``@check`` for users' own suites: their own id prefix, mandatory or advisory as they say.

    from harness.usersuite import check

    @check("ACME-WEB-001", severity="mandatory", title="nginx serves the site")
    def test_site(host):
        assert host.socket("tcp://0.0.0.0:80").is_listening

An id is an upper-case prefix (not ``XC``, xcert's own, and not ``USER``, the derived ids') and one to
four ``-``-separated parts: ``ACME-WEB-001``, ``OPS-nginx.conf``. Every user check is in the ``user``
layer (the reports' "User checks" section); it is advisory unless declared mandatory. A test without
``@check`` is an advisory user check with an id derived from its path and name (harness.usersuite.ids).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from harness.checks import DEFAULT_CHECK_TIMEOUT_S, PROFILES, CheckMeta
from harness.outcomes import Severity

F = TypeVar("F", bound=Callable[..., Any])

LAYER = "user"
USER_ID = re.compile(r"^(?!XC-|USER-)[A-Z][A-Z0-9]{0,15}(?:-[A-Za-z0-9][A-Za-z0-9_.]{0,31}){1,4}$")
#: what a user check requires when its author wrote nothing more (reports show it; it is data, not a msgid)
DEFAULT_REQUIREMENT = "The user's test {test} passes (a test of the user suite given with --suite)."
DEFAULT_REMEDY = "See the test's assertion message and its evidence; the test's author knows what it expects."


def title_of(fn: Callable[..., Any]) -> str:
    """The first line of the test's docstring, else its name."""
    doc = (getattr(fn, "__doc__", None) or "").strip()
    return doc.splitlines()[0].strip()[:200] if doc else str(getattr(fn, "__name__", "test"))


def user_meta(
    check_id: str,
    fn: Callable[..., Any],
    *,
    test: str,
    severity: str = "advisory",
    title: str = "",
    requirement: str = "",
    remedy: str = "",
    profiles: Sequence[str] = PROFILES,
    tags: Sequence[str] = (),
    timeout_s: float = DEFAULT_CHECK_TIMEOUT_S,
    source: str = "",
) -> CheckMeta:
    return CheckMeta(
        id=check_id,
        layer=LAYER,
        severity=Severity(severity),
        title=title or title_of(fn),
        requirement=requirement or DEFAULT_REQUIREMENT.format(test=test),
        remedy=remedy or DEFAULT_REMEDY,
        profiles=tuple(profiles),
        timeout_s=float(timeout_s),
        source=source or test,
        tags=frozenset(("user", *tags)),
    )


def check(
    check_id: str,
    *,
    severity: str = "advisory",
    title: str = "",
    requirement: str = "",
    remedy: str = "",
    profiles: Sequence[str] = PROFILES,
    tags: Sequence[str] = (),
    timeout_s: float = DEFAULT_CHECK_TIMEOUT_S,
    source: str = "",
) -> Callable[[F], F]:
    """Declare a user test as a check with the user's own id (see the module docstring)."""
    if not isinstance(check_id, str) or not USER_ID.match(check_id):
        raise ValueError(
            f"{check_id!r}: a user check id is an upper-case prefix other than XC and USER and 1-4 parts, "
            "e.g. ACME-WEB-001"
        )
    if severity not in ("mandatory", "advisory"):
        raise ValueError(f"{check_id}: severity must be 'mandatory' or 'advisory', not {severity!r}")
    unknown = set(profiles) - set(PROFILES)
    if unknown:
        raise ValueError(f"{check_id}: unknown profiles {sorted(unknown)}")

    def mark(fn: F) -> F:
        fn.xcert_check = user_meta(  # type: ignore[attr-defined]
            check_id,
            fn,
            test=getattr(fn, "__qualname__", check_id),
            severity=severity,
            title=title,
            requirement=requirement,
            remedy=remedy,
            profiles=profiles,
            tags=tags,
            timeout_s=timeout_s,
            source=source,
        )
        return fn

    return mark


__all__ = ["LAYER", "USER_ID", "check", "title_of", "user_meta"]
