"""``harness.usersuite.check``: the user's own id prefix, severity as declared, advisory by default."""

from __future__ import annotations

from typing import Any

import pytest

from harness.outcomes import Severity
from harness.usersuite import check


def test_a_declared_check_keeps_its_id_and_severity() -> None:
    @check("ACME-WEB-001", severity="mandatory", title="nginx serves")
    def test_site(host: Any) -> None:
        """Not the title: the declared one wins."""

    meta = test_site.xcert_check  # type: ignore[attr-defined]
    assert (meta.id, meta.layer, meta.severity, meta.title) == ("ACME-WEB-001", "user", Severity.MANDATORY, "nginx serves")


def test_advisory_by_default_and_the_docstring_is_the_title() -> None:
    @check("OPS-nginx.conf")
    def test_conf(host: Any) -> None:
        """The config file is there.

        More words."""

    meta = test_conf.xcert_check  # type: ignore[attr-defined]
    assert meta.severity == Severity.ADVISORY and meta.title == "The config file is there."


@pytest.mark.parametrize("bad", ["XC-OS-001", "USER-a-b", "acme-1", "ACME", "ACME-", "A" * 20 + "-1", 7])
def test_ids_that_are_not_the_users_own_are_refused(bad: Any) -> None:
    with pytest.raises(ValueError, match="user check id"):
        check(bad)


def test_a_severity_that_is_not_one_is_refused() -> None:
    with pytest.raises(ValueError, match="severity"):
        check("ACME-1", severity="critical")


def test_a_user_check_is_selected_by_id_keyword_and_the_user_marker() -> None:
    from harness.selection import Selection

    @check("ACME-WEB-001")
    def test_site(host: Any) -> None:
        """nginx serves the site"""

    meta = test_site.xcert_check  # type: ignore[attr-defined]
    assert Selection(checks=("ACME-WEB-001",)).selects(meta, "")
    assert Selection(keyword="nginx").selects(meta, "", ["test_site"])
    assert Selection(marker="user and advisory").selects(meta, "")
    assert not Selection(marker="os").selects(meta, "")
