"""The sampler's /proc counters into rates, trimming, the fluctuation verdict, and new log lines.

Samples are constructed in the documented formats of /proc/stat, /proc/meminfo, /proc/diskstats and
/proc/net/dev (proc(5)), as the sampler's own awk lines print them."""

from __future__ import annotations

import os
import subprocess
from datetime import UTC, datetime

from harness.lifecycle import sampler
from harness.lifecycle.logs import new_error_lines


def _sample(t: float, busy: int, idle: int, avail_kib: int, disk: tuple[int, int] = (0, 0)) -> str:
    return (
        f"{sampler.BOUNDARY} {t}\n"
        f"cpu  {busy} 0 0 {idle} 0 0 0 0 0 0\n"
        "MemTotal:       1000000 kB\n"
        f"MemAvailable:   {avail_kib} kB\n"
        f"disk {disk[0]} {disk[1]}\n"
        "net 1000 2000\n"
    )


def _run(cpu_pct: int, mem_used_pct: int, n: int = 11) -> list[sampler.Sample]:
    """A run whose CPU is ``cpu_pct`` busy and memory ``mem_used_pct`` used throughout (100 ticks a second)."""
    text = "".join(
        _sample(float(i), busy=i * cpu_pct, idle=i * (100 - cpu_pct), avail_kib=1000000 - mem_used_pct * 10000)
        for i in range(1, n + 1)
    )
    return sampler.parse(text)


def test_rates_between_samples() -> None:
    text = _sample(10.0, 100, 900, 600000, (0, 0)) + _sample(12.0, 400, 1600, 500000, (2000, 4000))
    (s,) = sampler.parse(text)
    assert s.t == 2.0
    assert s.cpu_pct == 30.0  # 300 busy of 1000 ticks
    assert s.mem_used_pct == 50.0
    assert (s.disk_read_bps, s.disk_write_bps) == (512 * 2000 / 2, 512 * 4000 / 2)


def test_a_torn_or_empty_output_gives_no_samples() -> None:
    assert sampler.parse("") == []
    assert sampler.parse(_sample(1.0, 1, 1, 1)) == []  # one sample sets only a base
    assert sampler.parse(_sample(1.0, 1, 1, 1) + "@@xcert-sample garbage\ncpu x\n") == []


def test_trim_drops_each_end() -> None:
    run = _run(50, 10, n=11)  # samples at t = 1..10 relative to the first
    kept = sampler.trim(run, 0.2)
    assert kept[0].t >= 1 + 9 * 0.2 and kept[-1].t <= 10 - 9 * 0.2


def test_steady_runs_pass_and_a_run_that_differs_fails() -> None:
    steady = [sampler.trim(_run(40, 20), 0.2), sampler.trim(_run(42, 21), 0.2), sampler.trim(_run(41, 20), 0.2)]
    assert sampler.fluctuation(steady, 5.0) == (2.0, 1.0, True)
    busier = [sampler.trim(_run(40, 20), 0.2), sampler.trim(_run(60, 20), 0.2), sampler.trim(_run(41, 20), 0.2)]
    cpu, mem, ok = sampler.fluctuation(busier, 5.0)
    assert (cpu, mem, ok) == (20.0, 0.0, False)
    leaking = [sampler.trim(_run(40, 20), 0.2), sampler.trim(_run(40, 30), 0.2), sampler.trim(_run(40, 20), 0.2)]
    assert sampler.fluctuation(leaking, 5.0)[2] is False


def test_the_sampler_command_runs_here_bounded_and_stops_its_workload() -> None:
    # a workload no other test runs (the suite runs in parallel; pgrep sees the whole machine)
    seconds = f"300.{os.getpid()}"
    cmd = sampler.command(f"sleep {seconds}", seconds=1.0, interval_s=0.5)
    proc = subprocess.run(["sh", "-c", cmd], capture_output=True, text=True, timeout=30, check=False)
    assert proc.returncode == 0
    assert len(sampler.parse(proc.stdout)) == 2  # three samples, two rates
    left = subprocess.run(["pgrep", "-f", f"^sleep {seconds}$"], capture_output=True, text=True, check=False)
    assert left.stdout.strip() == "", "the workload was stopped with the sampler"


def test_csv_holds_every_sample_of_every_run() -> None:
    text = sampler.to_csv([_run(10, 10, n=3), _run(20, 10, n=3)])
    lines = text.strip().splitlines()
    assert lines[0].startswith("run,t,cpu_pct") and len(lines) == 1 + 2 + 2


def test_new_error_lines_keep_only_the_run_window() -> None:
    started = datetime(2026, 12, 1, 11, 0, 0, tzinfo=UTC)
    kernel = (
        "2026-12-01T10:59:59,000000+00:00 Out of memory: Killed process 12 (java)\n"
        "2026-12-01T11:00:05,123456+00:00 mce: [Hardware Error]: Machine check events logged\n"
        "not a stamped line\n"
    )
    journal = "2026-12-01T11:00:02+0000 host app[1]: fatal error\n\n"
    lines = new_error_lines(journal, kernel, started)
    assert lines == [journal.splitlines()[0], kernel.splitlines()[1]]
    assert new_error_lines("", "", started) == []
