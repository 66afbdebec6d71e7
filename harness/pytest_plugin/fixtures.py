"""Fixtures for checks: ``xc``, ``host`` (testinfra on the target), ``target``, ``facts``, ``identity``,
``summary``, ``declared``. Outside an xcert run each skips."""

from __future__ import annotations

from typing import Any

import pytest
import testinfra.host

from harness.checks import CheckContext
from harness.decide import NotCaptured
from harness.facts.snapshot import Facts
from harness.identify import Component
from harness.pytest_plugin.hooks import CONTEXT
from harness.pytest_plugin.run import HostRun, current_run
from harness.session import HostSession
from harness.testinfra_backend import testinfra_host


def _run_of(request: pytest.FixtureRequest) -> HostRun:
    run = current_run(request)
    if run is None:
        pytest.skip("not an xcert run (use: xcert certify)")
    return run


def _link_facts(request: pytest.FixtureRequest, run: HostRun) -> None:
    ctx = request.node.stash.get(CONTEXT, None)
    if ctx is not None:
        ctx.link(*run.session.facts_refs)


@pytest.fixture
def xc(request: pytest.FixtureRequest) -> CheckContext:
    """The running check's context: note a message, record measurements, fail, not applicable."""
    _run_of(request)
    ctx: CheckContext = request.node.stash[CONTEXT]
    return ctx


@pytest.fixture
def host(request: pytest.FixtureRequest) -> testinfra.host.Host:
    """A testinfra Host on xcert's own connection to the target; every command it runs is evidence."""
    return testinfra_host(_run_of(request).session)


@pytest.fixture
def facts(request: pytest.FixtureRequest) -> Facts:
    run = _run_of(request)
    _link_facts(request, run)
    if run.facts is None:
        raise NotCaptured("the host's facts")
    return run.facts


@pytest.fixture
def identity(request: pytest.FixtureRequest) -> dict[str, Component]:
    run = _run_of(request)
    _link_facts(request, run)
    return run.identity


@pytest.fixture
def summary(request: pytest.FixtureRequest) -> dict[str, Any]:
    run = _run_of(request)
    _link_facts(request, run)
    return run.summary


@pytest.fixture
def declared(request: pytest.FixtureRequest) -> dict[str, str]:
    return dict(_run_of(request).spec.declared)


@pytest.fixture
def target(request: pytest.FixtureRequest) -> HostSession:
    """The host session: ``target.run(cmd, timeout_s=...)``, ``target.probe(name)``; every command is evidence."""
    return _run_of(request).session
