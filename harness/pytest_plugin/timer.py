"""A check's own timeout: SIGALRM raises CheckTimeout in the check, wherever it is waiting.

The transports kill what the check started when an exception passes through them (the local
transport its process group, SSH the remote session), so a timed-out check leaves nothing running.
"""

from __future__ import annotations

import signal
from collections.abc import Generator
from typing import Any

import pytest

from harness.checks import CheckTimeout
from harness.pytest_plugin.run import HOST_RUN, meta_of

_SECONDS = [0.0]


def _on_alarm(_signum: int, _frame: object) -> None:
    raise CheckTimeout(_SECONDS[0])


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Generator[None, Any, Any]:
    meta = meta_of(item)
    if meta is None or HOST_RUN not in item.config.stash or meta.timeout_s <= 0:
        return (yield)
    _SECONDS[0] = meta.timeout_s
    previous = signal.signal(signal.SIGALRM, _on_alarm)
    signal.setitimer(signal.ITIMER_REAL, meta.timeout_s)
    try:
        return (yield)
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
