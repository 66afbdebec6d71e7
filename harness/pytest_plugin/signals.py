"""Stopping a run: the first Ctrl-C of ``xcert certify`` (SIGUSR1 to the worker) lets the check in
flight finish and starts no other; SIGTERM (the second Ctrl-C) aborts the check in flight, and
what it started is killed on the way out (the transports kill their commands on any exception)."""

from __future__ import annotations

import signal

import pytest

_STOP: list[bool] = [False]
_SESSIONS: list[pytest.Session] = []


def stop_requested() -> bool:
    return _STOP[0]


def _request_stop(_signum: int, _frame: object) -> None:
    _STOP[0] = True


def _abort(_signum: int, _frame: object) -> None:
    raise KeyboardInterrupt


def pytest_configure(config: pytest.Config) -> None:
    if config.getoption("--xcert-run"):
        _STOP[0] = False
        signal.signal(signal.SIGUSR1, _request_stop)
        signal.signal(signal.SIGTERM, _abort)


def pytest_sessionstart(session: pytest.Session) -> None:
    _SESSIONS.append(session)


def pytest_sessionfinish(session: pytest.Session) -> None:
    if session in _SESSIONS:
        _SESSIONS.remove(session)


def pytest_runtest_logfinish(nodeid: str, location: object) -> None:
    if _STOP[0]:
        for run_session in _SESSIONS:
            run_session.shouldstop = "interrupted: the run was asked to stop"
