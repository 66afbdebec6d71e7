"""The long-run mode: one sampled run of hours, each hour's trimmed mean compared with the first hour's.

``--soak-hours H`` (or a service's ``soak_hours``) asks for it; an "hour" is 3600 s, or
``XCERT_HOUR_SECONDS`` for tests and demos. The run's samples are cut into hour windows, each window's
ends are trimmed as the three-run check trims a run, and each hour's mean CPU and memory use must stay
within 5 percentage points of the first hour's.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

from harness.lifecycle import sampler
from harness.lifecycle.sampler import Sample

HOUR_S = 3600.0
MAX_HOURS = 72.0


def hour_seconds() -> float:
    value = os.environ.get("XCERT_HOUR_SECONDS")
    return float(value) if value else HOUR_S


def soak_hours(decl: Mapping[str, Any]) -> float | None:
    """``--soak-hours`` outranks the declaration's ``soak_hours``; None: no long run asked for."""
    value = os.environ.get("XCERT_SOAK_HOURS") or decl.get("soak_hours")
    return float(value) if value else None


#: the sampler's shortest interval (services.schema.json's sample_s minimum), and the fewest samples an hour
MIN_INTERVAL_S = 0.2
MIN_PER_HOUR = 10


def interval(seconds: float, wanted_s: float, hour_s: float = HOUR_S) -> float:
    """The sampling interval: the declared one, narrowed to give every hour at least MIN_PER_HOUR samples, and
    widened so that the whole run stays within the sampler's bound."""
    step = max(MIN_INTERVAL_S, min(wanted_s, hour_s / MIN_PER_HOUR))
    return max(step, seconds / (sampler.MAX_SAMPLES - 1))


def windows(samples: list[Sample], hour_s: float, limit: int | None = None) -> list[list[Sample]]:
    """The samples of each whole hour (a last partial hour is left out; at most ``limit`` hours: the sampler's
    own overhead makes a run last a little longer than asked), each re-timed from 0."""
    if not samples:
        return []
    count = int((samples[-1].t + 1e-9) // hour_s)
    if limit is not None:
        count = min(count, limit)
    out: list[list[Sample]] = [[] for _ in range(count)]
    for s in samples:
        index = int(s.t // hour_s)
        if index < count:
            out[index].append(replace(s, t=round(s.t - index * hour_s, 3)))
    return [w for w in out if len(w) >= 2]


@dataclass(frozen=True)
class HourDrift:
    hour: int
    cpu_pp: float
    mem_pp: float


def drift(hours: list[list[Sample]], trim_fraction: float) -> list[HourDrift]:
    """Each hour after the first: how far its trimmed mean CPU and memory are from the first hour's."""
    kept = [sampler.trim(h, trim_fraction) for h in hours]
    cpu0, mem0 = sampler.mean(kept[0], "cpu_pct"), sampler.mean(kept[0], "mem_used_pct")
    return [
        HourDrift(
            hour=index,
            cpu_pp=round(abs(sampler.mean(h, "cpu_pct") - cpu0), 2),
            mem_pp=round(abs(sampler.mean(h, "mem_used_pct") - mem0), 2),
        )
        for index, h in enumerate(kept[1:], start=2)
    ]
