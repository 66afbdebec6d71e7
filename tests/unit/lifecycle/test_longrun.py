"""The long-run mode: samples cut into hours, each hour's trimmed mean against the first (a 10 s "hour" here)."""

from __future__ import annotations

import pytest

from harness.lifecycle import longrun
from harness.lifecycle.sampler import Sample


def _samples(cpu_by_hour: list[float], hour_s: float = 10.0, mem: float = 40.0) -> list[Sample]:
    out = []
    for hour, cpu in enumerate(cpu_by_hour):
        for i in range(int(hour_s)):
            t = hour * hour_s + i + 1
            out.append(Sample(t, cpu, mem + (0.1 * hour), 0.0, 0.0, 0.0, 0.0))
    return out


def test_each_hour_is_its_own_window() -> None:
    hours = longrun.windows(_samples([10, 12, 11]), 10.0)
    assert len(hours) == 3 and all(h[0].t < 10 for h in hours)


def test_a_partial_last_hour_is_left_out() -> None:
    samples = [*_samples([10, 12]), Sample(25.0, 99.0, 40.0, 0, 0, 0, 0)]
    assert len(longrun.windows(samples, 10.0)) == 2
    assert len(longrun.windows(_samples([10, 12, 11]), 10.0, limit=2)) == 2  # no more hours than asked


def test_steady_hours_are_within_the_bound() -> None:
    drifts = longrun.drift(longrun.windows(_samples([30, 32, 29]), 10.0), 0.2)
    assert [d.hour for d in drifts] == [2, 3]
    assert max(d.cpu_pp for d in drifts) == 2.0 and all(d.mem_pp <= 0.2 for d in drifts)


def test_a_drifting_hour_is_named() -> None:
    drifts = longrun.drift(longrun.windows(_samples([30, 31, 45]), 10.0), 0.2)
    assert [(d.hour, d.cpu_pp) for d in drifts if d.cpu_pp > 5] == [(3, 15.0)]


def test_the_interval_widens_to_stay_within_the_sampler_bound() -> None:
    assert longrun.interval(60, 1.0) == 1.0
    assert longrun.interval(72 * 3600, 1.0) > 12.9
    assert longrun.interval(6, 1.0, hour_s=2) == 0.2  # ten samples in a short test "hour"


def test_hours_come_from_the_command_line_before_the_declaration(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("XCERT_SOAK_HOURS", raising=False)
    assert longrun.soak_hours({}) is None and longrun.soak_hours({"soak_hours": 2}) == 2.0
    monkeypatch.setenv("XCERT_SOAK_HOURS", "3")
    assert longrun.soak_hours({"soak_hours": 2}) == 3.0
    monkeypatch.setenv("XCERT_HOUR_SECONDS", "5")
    assert longrun.hour_seconds() == 5.0
