"""XC-DB-050's seconds: the profile's, or XCERT_SMOKE_SECONDS (tests, demos), bounded; a bad value is refused."""

from __future__ import annotations

import pytest

from harness.db import perf


def test_the_profile_gives_the_seconds_unless_the_controller_sets_them(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("XCERT_SMOKE_SECONDS", raising=False)
    assert perf.profile_load("full") == (4, 10.0) and perf.profile_load("quick") == (2, 5.0)
    monkeypatch.setenv("XCERT_SMOKE_SECONDS", "2")
    assert perf.profile_load("full") == (4, 2.0) and perf.profile_load("disruptive") == (4, 2.0)


@pytest.mark.parametrize("value", ["0", "-3", "3601", "ten", "nan"])
def test_a_value_out_of_bounds_or_not_a_number_is_refused(monkeypatch: pytest.MonkeyPatch, value: str) -> None:
    monkeypatch.setenv("XCERT_SMOKE_SECONDS", value)
    with pytest.raises(RuntimeError, match="XCERT_SMOKE_SECONDS"):
        perf.profile_load("full")
