from __future__ import annotations

import pytest

from harness.outcomes import EXIT_FOR_VERDICT, JUNIT_KIND, Outcome, Verdict, host_verdict, run_verdict

P, F, E, NA, S, W = (Outcome.PASS, Outcome.FAIL, Outcome.ERROR, Outcome.NOT_APPLICABLE, Outcome.SKIPPED, Outcome.WAIVED)


@pytest.mark.parametrize(
    ("reachable", "outcomes", "expected"),
    [
        (True, [P, P], Verdict.CERTIFIED),
        (True, [P, W], Verdict.CERTIFIED),
        (True, [P, NA, S], Verdict.CERTIFIED),
        (True, [P, F], Verdict.NOT_CERTIFIED),
        (True, [F, E], Verdict.NOT_CERTIFIED),  # a known failure outranks a gap
        (True, [P, E], Verdict.INCOMPLETE),
        (True, [P, None], Verdict.INCOMPLETE),  # undecided (the run died)
        (False, [], Verdict.INCOMPLETE),  # unreachable
        (False, [P], Verdict.INCOMPLETE),  # lost mid-run
        (True, [], Verdict.INCOMPLETE),  # nothing mandatory was decided
        (True, [NA, S], Verdict.INCOMPLETE),
    ],
)
def test_host_verdict(reachable: bool, outcomes: list[Outcome | None], expected: Verdict) -> None:
    assert host_verdict(reachable, outcomes) is expected


@pytest.mark.parametrize(
    ("verdicts", "expected"),
    [
        ([Verdict.CERTIFIED, Verdict.CERTIFIED], Verdict.CERTIFIED),
        ([Verdict.CERTIFIED, Verdict.INCOMPLETE], Verdict.INCOMPLETE),
        ([Verdict.INCOMPLETE, Verdict.NOT_CERTIFIED], Verdict.NOT_CERTIFIED),
        ([], Verdict.INCOMPLETE),
    ],
)
def test_run_verdict(verdicts: list[Verdict], expected: Verdict) -> None:
    assert run_verdict(verdicts) is expected


def test_exit_codes_follow_design() -> None:
    assert EXIT_FOR_VERDICT == {Verdict.CERTIFIED: 0, Verdict.NOT_CERTIFIED: 1, Verdict.INCOMPLETE: 2}


def test_every_outcome_has_one_junit_mapping() -> None:
    assert set(JUNIT_KIND) == set(Outcome)
    assert JUNIT_KIND[Outcome.FAIL] == "failure"
    assert JUNIT_KIND[Outcome.ERROR] == "error"
