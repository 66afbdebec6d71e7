"""Workers started while their host is provisioned: real worker processes that wait for their host's spec,
do nothing of the host's run before it, and are killed when they are never handed a host."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

from harness.inventory import HostSpec
from harness.prestart import Prestarted
from harness.runner import Interrupts, run_host


def _alive_for(poll: Callable[[], int | None], seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if poll() is not None:
            return False
        time.sleep(0.05)
    return True


def test_held_workers_wait_for_their_host_and_are_killed_when_never_handed_one(tmp_path: Path) -> None:
    run = tmp_path / "run"
    run.mkdir()
    held = Prestarted(run, "quick", 2)
    for slug in ("h1", "h2", "h3"):
        held.start(slug)
    assert set(held.procs) == {"h1", "h2"}  # at most `limit` at once: h3 starts when it is handed over
    assert held.take("h3") is None
    h1 = held.procs["h1"]
    # its imports done, it waits on its standard input: nothing of a host's run was written meanwhile
    assert _alive_for(h1.poll, 2.0)
    assert sorted(p.name for p in run.iterdir()) == []
    held.close()
    assert h1.poll() is not None and held.procs == {}
    held.start("h4")  # closed: starts nothing more
    assert held.procs == {}


def test_an_interrupt_before_the_hand_over_kills_the_held_worker(tmp_path: Path) -> None:
    run = tmp_path / "run"
    run.mkdir()
    held = Prestarted(run, "quick", 1)
    held.start("h1")
    proc = held.take("h1")
    assert proc is not None
    interrupts = Interrupts()
    interrupts.level = 1  # Ctrl-C came while its host was provisioned
    spec = HostSpec(name="h1", connection="local", address="localhost")
    assert run_host(run, spec, "h1", "quick", interrupts, None, proc) is None
    assert proc.poll() is not None  # killed, never given the host
    assert not (run / "journal").exists()
