"""The one outcome vocabulary (DESIGN.md) and its single mapping to verdicts and JUnit.

Outcomes of a check:
  pass            the check looked at the host and its requirement holds
  fail            the check looked at the host and its requirement does not hold
  error           the check could not run (exception, timeout): never an incompatibility
  not_applicable  the detected stack does not call for the check
  skipped         left out by the user or the profile
  waived          failed, accepted with a written justification and an expiry date
A host as a whole may be unreachable; its checks are then never run.
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum


class Outcome(StrEnum):
    PASS = "pass"
    FAIL = "fail"
    ERROR = "error"
    NOT_APPLICABLE = "not_applicable"
    SKIPPED = "skipped"
    WAIVED = "waived"


class Severity(StrEnum):
    MANDATORY = "mandatory"
    ADVISORY = "advisory"


class Verdict(StrEnum):
    CERTIFIED = "CERTIFIED"
    NOT_CERTIFIED = "NOT_CERTIFIED"
    INCOMPLETE = "INCOMPLETE"


# How each outcome appears in JUnit: a <failure>, an <error>, a <skipped>, or nothing.
JUNIT_KIND: dict[Outcome, str | None] = {
    Outcome.PASS: None,
    Outcome.FAIL: "failure",
    Outcome.ERROR: "error",
    Outcome.NOT_APPLICABLE: "skipped",
    Outcome.SKIPPED: "skipped",
    Outcome.WAIVED: None,
}


def host_verdict(
    reachable: bool,
    mandatory_outcomes: Iterable[Outcome | None],
) -> Verdict:
    """Verdict of one host from the outcomes of its mandatory checks.

    ``None`` stands for a mandatory check that was never decided (the run died first).
    Checks the stack does not call for (not_applicable) or the profile left out (skipped)
    are outside the scope certified and do not count; the report lists them as exclusions.

    >>> host_verdict(True, [Outcome.PASS, Outcome.WAIVED])
    <Verdict.CERTIFIED: 'CERTIFIED'>
    """
    outcomes = [o for o in mandatory_outcomes if o not in (Outcome.NOT_APPLICABLE, Outcome.SKIPPED)]
    if any(o is Outcome.FAIL for o in outcomes):
        return Verdict.NOT_CERTIFIED
    if not reachable:
        return Verdict.INCOMPLETE
    if any(o is None or o is Outcome.ERROR for o in outcomes):
        return Verdict.INCOMPLETE
    if not outcomes:
        return Verdict.INCOMPLETE
    return Verdict.CERTIFIED


def run_verdict(host_verdicts: Iterable[Verdict]) -> Verdict:
    """NOT_CERTIFIED if any host is, else INCOMPLETE if any host is, else CERTIFIED.

    A run with no host is INCOMPLETE: nothing was certified.
    """
    verdicts = list(host_verdicts)
    if not verdicts:
        return Verdict.INCOMPLETE
    if Verdict.NOT_CERTIFIED in verdicts:
        return Verdict.NOT_CERTIFIED
    if Verdict.INCOMPLETE in verdicts:
        return Verdict.INCOMPLETE
    return Verdict.CERTIFIED


EXIT_FOR_VERDICT: dict[Verdict, int] = {
    Verdict.CERTIFIED: 0,
    Verdict.NOT_CERTIFIED: 1,
    Verdict.INCOMPLETE: 2,
}
