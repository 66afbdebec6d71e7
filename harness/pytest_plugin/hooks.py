"""Each check's setup, call and report: what it raised, and where, decided by ``harness.decide``."""

from __future__ import annotations

import time
import traceback
from collections.abc import Generator
from types import TracebackType
from typing import Any

import pytest

from harness.checks import CheckContext, NotApplicable, not_applicable_reason
from harness.clock import utc_now_iso
from harness.decide import Decision, Phase, Skipped, decide
from harness.outcomes import Outcome
from harness.pytest_plugin.run import HOST_RUN, HostRun, check_key, meta_of, subject_of
from harness.transport.base import HostUnreachable

CONTEXT = pytest.StashKey[CheckContext]()
STARTED = pytest.StashKey[tuple[float, str]]()


def pytest_runtest_setup(item: pytest.Item) -> None:
    run = item.config.stash.get(HOST_RUN, None)
    meta = meta_of(item)
    if run is None or meta is None:
        return
    item.stash[STARTED] = (time.monotonic(), utc_now_iso())
    ctx = CheckContext(meta)
    item.stash[CONTEXT] = ctx
    run.session.current = ctx
    if run.lost is not None:
        pytest.skip("host lost")
    reason = not_applicable_reason(meta, run.stack())
    if reason:
        raise NotApplicable(*reason)


def pytest_runtest_teardown(item: pytest.Item) -> None:
    run = item.config.stash.get(HOST_RUN, None)
    if run is not None:
        run.session.current = None


def raised_in_body(item: pytest.Item, tb: TracebackType | None) -> bool:
    """True when the innermost frame of ``tb`` is the check function itself (not a helper or fixture)."""
    code = getattr(getattr(item, "function", None), "__code__", None)
    last = tb
    while last is not None and last.tb_next is not None:
        last = last.tb_next
    return code is not None and last is not None and last.tb_frame.f_code is code


def _decision(item: pytest.Item, call: pytest.CallInfo[None], has_evidence: bool) -> Decision:
    exc = call.excinfo.value if call.excinfo is not None else None
    if isinstance(exc, pytest.skip.Exception):
        exc = Skipped(str(getattr(exc, "msg", "")) or "skipped")
    tb = call.excinfo.tb if call.excinfo is not None else None
    return decide(exc, Phase(call.when), in_body=raised_in_body(item, tb), has_evidence=has_evidence)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Generator[None, Any, Any]:
    report = yield
    run = item.config.stash.get(HOST_RUN, None)
    meta = meta_of(item)
    if run is None or meta is None or run.lost is not None:
        return report
    subject = subject_of(item)
    # teardown never changes a decision; a setup that raised nothing lets the check run
    if check_key(meta.id, subject) in run.recorded or call.when == "teardown":
        return report
    if call.when == "setup" and call.excinfo is None:
        return report
    ctx = item.stash.get(CONTEXT, None) or CheckContext(meta)
    decision = _decision(item, call, has_evidence=bool(ctx.evidence))
    if decision.outcome is None:
        exc = call.excinfo.value if call.excinfo is not None else None
        assert isinstance(exc, HostUnreachable)  # decide() returns no outcome only for a lost host
        run.mark_lost(exc, during=meta.id)
        item.session.shouldstop = f"host {run.spec.name} lost: {exc}"
        return report
    _apply(run, ctx, decision, call)
    run.record(meta, decision.outcome, ctx, decision.message, item.stash.get(STARTED, None), subject=subject)
    return report


def _apply(run: HostRun, ctx: CheckContext, decision: Decision, call: pytest.CallInfo[None]) -> None:
    """The decision's message on the context (a key replaces what the check noted), its traceback as evidence."""
    if decision.key:
        ctx.note(decision.key, **decision.params)
    elif decision.outcome in (Outcome.ERROR, Outcome.FAIL) and decision.message:
        ctx.note("")  # an error's or an assertion's own text replaces what the check noted before
    if decision.traceback and call.excinfo is not None:
        tb = "".join(traceback.format_exception(call.excinfo.value))
        ctx.link(run.session.evidence.document("traceback", {"check": ctx.meta.id, "traceback": tb}))
