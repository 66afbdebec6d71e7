"""A resource sampler on the target: CPU, memory, disk I/O and network every N seconds, from /proc.

It is one POSIX sh loop (no Python needed on the target), started in the same command as the
workload it watches, bounded by its own duration and sample count, and it stops the workload when it
ends. The controller turns the raw /proc counters into rates (``parse``), drops the warm-up and
cool-down ends (``trim``) and compares runs (``deviation``).
"""

from __future__ import annotations

import csv
import io
import itertools
import shlex
from dataclasses import dataclass

MAX_SAMPLES = 20_000
BOUNDARY = "@@xcert-sample"

#: one sample, one awk process: a boundary line with the time (/proc/uptime), then the counters the rates
#: come from. Partitions are left out of the disk totals (their I/O is already in their disk's).
_AWK = (
    'FILENAME == "/proc/uptime" { print "' + BOUNDARY + '", $1; next } '
    'FILENAME == "/proc/stat" && FNR == 1 { print; next } '
    'FILENAME == "/proc/meminfo" && ($1 == "MemTotal:" || $1 == "MemAvailable:") { print; next } '
    'FILENAME == "/proc/diskstats" { if ($3 !~ /^(loop|ram|dm-|sr|zram)/ && $3 !~ /[0-9]p[0-9]+$/ '
    "&& $3 !~ /^(sd|vd|xvd|hd)[a-z]+[0-9]+$/) { r += $6; w += $10 } next } "
    'FILENAME == "/proc/net/dev" && FNR > 2 { split($0, a, ":"); n = a[1]; gsub(/ /, "", n); '
    'if (n != "lo") { split(a[2], b, " "); rx += b[1]; tx += b[9] } } '
    'END { print "disk", r + 0, w + 0; print "net", rx + 0, tx + 0 }'
)
_SAMPLE = f"awk {shlex.quote(_AWK)} /proc/uptime /proc/stat /proc/meminfo /proc/diskstats /proc/net/dev"


def command(workload: str | None, seconds: float, interval_s: float) -> str:
    """The shell command that samples for ``seconds`` while ``workload`` runs, then stops the workload."""
    count = min(MAX_SAMPLES, max(2, int(seconds / interval_s) + 1))
    loop = f"i=0; while [ $i -lt {count} ]; do {_SAMPLE}; i=$((i+1)); [ $i -lt {count} ] && sleep {interval_s:g}; done"
    if not workload:
        return loop + "; true"
    # the workload runs in a process group of its own (setsid), so that it is stopped whole, children too
    quoted = shlex.quote(workload)
    return (
        f"if command -v setsid >/dev/null 2>&1; then setsid sh -c {quoted} >/dev/null 2>&1 </dev/null & w=$!; "
        f"else sh -c {quoted} >/dev/null 2>&1 </dev/null & w=$!; fi; {loop}; "
        "kill -TERM -- -$w 2>/dev/null || { pkill -TERM -P $w 2>/dev/null; kill -TERM $w 2>/dev/null; }; "
        "wait $w 2>/dev/null; true"
    )


@dataclass(frozen=True)
class Sample:
    t: float
    cpu_pct: float
    mem_used_pct: float
    disk_read_bps: float
    disk_write_bps: float
    net_rx_bps: float
    net_tx_bps: float


@dataclass(frozen=True)
class _Raw:
    t: float
    busy: int
    total: int
    mem_total: int
    mem_avail: int
    disk: tuple[int, int]
    net: tuple[int, int]


def _raw(block: list[str], t: float) -> _Raw | None:
    busy = total = mem_total = mem_avail = 0
    disk = net = (0, 0)
    for line in block:
        f = line.split()
        if not f:
            continue
        if f[0] == "cpu" and len(f) >= 5:
            values = [int(v) for v in f[1:9] if v.isdigit()]
            idle = values[3] + (values[4] if len(values) > 4 else 0)
            total, busy = sum(values), sum(values) - idle
        elif f[0] == "MemTotal:":
            mem_total = int(f[1])
        elif f[0] == "MemAvailable:":
            mem_avail = int(f[1])
        elif f[0] in ("disk", "net") and len(f) == 3:
            pair = (int(float(f[1] or 0)), int(float(f[2] or 0)))
            disk, net = (pair, net) if f[0] == "disk" else (disk, pair)
    if not total or not mem_total:
        return None
    return _Raw(t, busy, total, mem_total, mem_avail, disk, net)


def parse(text: str) -> list[Sample]:
    """Rates between consecutive samples of the sampler's output (the first sample only sets a base)."""
    raws: list[_Raw] = []
    block: list[str] = []
    t: float | None = None
    for line in [*text.splitlines(), f"{BOUNDARY} end"]:
        if line.startswith(BOUNDARY):
            if t is not None and (raw := _raw(block, t)) is not None:
                raws.append(raw)
            stamp = line[len(BOUNDARY) :].strip()
            t = float(stamp) if stamp.replace(".", "", 1).isdigit() else None
            block = []
        else:
            block.append(line)
    out = []
    for a, b in itertools.pairwise(raws):
        dt = b.t - a.t
        dtotal = b.total - a.total
        if dt <= 0 or dtotal <= 0:
            continue
        out.append(
            Sample(
                t=round(b.t - raws[0].t, 3),
                cpu_pct=round(100.0 * (b.busy - a.busy) / dtotal, 2),
                mem_used_pct=round(100.0 * (b.mem_total - b.mem_avail) / b.mem_total, 2),
                # /proc/diskstats counts 512-byte sectors whatever the device's own sector size
                disk_read_bps=round(512 * (b.disk[0] - a.disk[0]) / dt, 1),
                disk_write_bps=round(512 * (b.disk[1] - a.disk[1]) / dt, 1),
                net_rx_bps=round((b.net[0] - a.net[0]) / dt, 1),
                net_tx_bps=round((b.net[1] - a.net[1]) / dt, 1),
            )
        )
    return out


def trim(samples: list[Sample], fraction: float) -> list[Sample]:
    """Drop ``fraction`` of the run at each end (openEuler: 3 of 15 minutes, so 0.2)."""
    if not samples:
        return []
    span = samples[-1].t - samples[0].t
    low, high = samples[0].t + span * fraction, samples[-1].t - span * fraction
    kept = [s for s in samples if low <= s.t <= high]
    return kept or samples


def mean(samples: list[Sample], field: str) -> float:
    return sum(float(getattr(s, field)) for s in samples) / len(samples) if samples else 0.0


def deviation(runs: list[list[Sample]], field: str) -> float:
    """The largest difference between two runs' means of a utilisation (percentage points)."""
    means = [mean(r, field) for r in runs]
    return round(max(means) - min(means), 2) if means else 0.0


def fluctuation(runs: list[list[Sample]], limit_pp: float) -> tuple[float, float, bool]:
    """(CPU deviation, memory deviation, both within ``limit_pp``) over already trimmed runs."""
    cpu, mem = deviation(runs, "cpu_pct"), deviation(runs, "mem_used_pct")
    return cpu, mem, cpu <= limit_pp and mem <= limit_pp


def to_csv(runs: list[list[Sample]]) -> str:
    buf = io.StringIO()
    writer = csv.writer(buf)
    fields = list(Sample.__dataclass_fields__)
    writer.writerow(["run", *fields])
    for index, run in enumerate(runs, start=1):
        for s in run:
            writer.writerow([index, *(getattr(s, f) for f in fields)])
    return buf.getvalue()
