"""decide(): what a check raised, and where, is its outcome (plain Python, no pytest run needed)."""

from __future__ import annotations

import pytest

from harness.checks import CheckFailed, CheckTimeout, NotApplicable
from harness.decide import NotCaptured, Phase, Skipped, decide, sql_error_is_answer
from harness.outcomes import Outcome
from harness.transport.base import CommandResult, CommandTimeout, HostUnreachable

TIMED_OUT = CommandResult("sleep 9", -9, b"", b"", 1.0, "t", timed_out=True)
CASES = [
    (None, Phase.CALL, False, Outcome.PASS),
    (CheckFailed("no {x}", {"x": 1}), Phase.CALL, False, Outcome.FAIL),  # xc.fail from a helper: still the verdict
    (AssertionError("assert 1 == 2"), Phase.CALL, True, Outcome.FAIL),
    (AssertionError("assert 1 == 2"), Phase.CALL, False, Outcome.ERROR),  # helper or harness assert
    (AssertionError("sanity"), Phase.SETUP, False, Outcome.ERROR),  # a fixture's assert
    (CheckFailed("no", {}), Phase.SETUP, False, Outcome.ERROR),  # a fixture cannot fail a check
    (RuntimeError("x"), Phase.CALL, True, Outcome.ERROR),
    (NotApplicable("n/a", {}), Phase.SETUP, False, Outcome.NOT_APPLICABLE),
    (Skipped("later"), Phase.CALL, True, Outcome.SKIPPED),
    (CheckTimeout(2), Phase.CALL, False, Outcome.ERROR),
    (CommandTimeout(TIMED_OUT, 1.0), Phase.CALL, False, Outcome.ERROR),
    (NotCaptured("probe 'locale-a'"), Phase.CALL, False, Outcome.ERROR),
    (HostUnreachable("lost"), Phase.CALL, False, None),
]


@pytest.mark.parametrize(("exc", "phase", "in_body", "outcome"), CASES)
def test_outcome(exc: BaseException | None, phase: Phase, in_body: bool, outcome: Outcome | None) -> None:
    assert decide(exc, phase, in_body=in_body).outcome == outcome


def test_messages() -> None:
    assert (
        decide(AssertionError("assert 2 == 3\n + where"), Phase.CALL, in_body=True).message == "assert 2 == 3\n + where"
    )
    fixture = decide(AssertionError("sanity"), Phase.SETUP, in_body=False)
    assert fixture.message == "harness assertion in a fixture: sanity" and fixture.traceback
    assert decide(CheckTimeout(2), Phase.CALL, in_body=False).params == {"seconds": "2"}
    assert decide(NotCaptured("probe 'x'"), Phase.CALL, in_body=False).key == "not captured: {what}"


def test_a_verdict_without_evidence_is_error() -> None:
    for exc in (None, CheckFailed("no", {})):
        decision = decide(exc, Phase.CALL, in_body=True, has_evidence=False)
        assert decision.outcome is Outcome.ERROR and "without looking" in decision.key


def test_sql_errors_by_class_not_by_name() -> None:
    psycopg = pytest.importorskip("psycopg")
    errors = psycopg.errors
    assert sql_error_is_answer(errors.SyntaxError("x"), "psycopg", psycopg, connection_lost=False)
    assert sql_error_is_answer(errors.DeadlockDetected("x"), "psycopg", psycopg, connection_lost=False)
    assert not sql_error_is_answer(errors.QueryCanceled("x"), "psycopg", psycopg, connection_lost=False)
    assert not sql_error_is_answer(errors.SyntaxError("x"), "psycopg", psycopg, connection_lost=True)

    class QueryCanceled(Exception):  # same name, another driver's class: not matched by name any more
        pass

    assert sql_error_is_answer(QueryCanceled("x"), "psycopg", psycopg, connection_lost=False)
