"""What a check's outcome is, from what it raised and where: one plain-Python decision.

Only the check's own verdict is ``fail``: ``xc.fail()`` (``CheckFailed``) while the check runs, or
an ``AssertionError`` raised in the check's own body (the test function's frame; pytest's assertion
explanation is kept as the message). Anything raised by harness code or by a fixture, a sanity
``assert`` in harness code included, is ``error``: a harness bug is never a verdict against the
product. The pytest plugin and the database layer both decide through this module.

    decide(None, Phase.CALL, in_body=False, has_evidence=True)          -> pass
    decide(CheckFailed(...), Phase.CALL, ...)                            -> fail
    decide(AssertionError("assert 1 == 2"), Phase.CALL, in_body=True)    -> fail, "assert 1 == 2"
    decide(AssertionError(), Phase.SETUP, in_body=False)                 -> error
"""

from __future__ import annotations

import contextlib
import importlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from harness.checks import N_, CheckFailed, CheckTimeout, NotApplicable
from harness.outcomes import Outcome
from harness.transport.base import CommandTimeout, HostUnreachable

#: an assertion explanation longer than this is cut (pytest's can run to pages for big containers)
MAX_EXPLANATION = 2000


class Phase(StrEnum):
    """When it was raised: a fixture's setup, the check's body, a fixture's teardown."""

    SETUP = "setup"
    CALL = "call"
    TEARDOWN = "teardown"


class Skipped(Exception):
    """The check was skipped (the plugin turns pytest's skip into this, so no pytest import here)."""


class NotCaptured(Exception):
    """A snapshot holds no answer for a command or probe a check ran: it was never observed."""

    def __init__(self, what: str) -> None:
        self.what = what
        super().__init__(f"not captured: {what}")


@dataclass(frozen=True)
class Decision:
    #: None: the host was lost, the check stays undecided (the host is unreachable, not failed)
    outcome: Outcome | None
    #: a translatable message and its parameters ("" keeps what the check noted)
    key: str = ""
    params: Mapping[str, Any] = field(default_factory=dict)
    #: an untranslated message (an assertion's explanation, an exception's text)
    message: str = ""
    #: keep the traceback as evidence (a harness or check bug to look into)
    traceback: bool = False


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else ""


def _unexpected(exc: BaseException, phase: Phase) -> Decision:
    where = {Phase.SETUP: "in a fixture", Phase.TEARDOWN: "in a fixture's teardown"}.get(phase, "")
    text = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
    if isinstance(exc, AssertionError):
        # a sanity assert outside the check's own body is a harness (or fixture) bug
        text = f"harness assertion {where or 'outside the check body'}: {_first_line(exc) or 'assert failed'}"
    elif where:
        text = f"{text} ({where})"
    return Decision(Outcome.ERROR, message=text, traceback=True)


def _timeout(exc: BaseException) -> Decision | None:
    if isinstance(exc, CommandTimeout):
        return Decision(
            Outcome.ERROR,
            N_("timeout after {seconds} s: {command}"),
            {"seconds": f"{exc.timeout_s:g}", "command": exc.result.command},
        )
    if isinstance(exc, CheckTimeout):
        return Decision(Outcome.ERROR, N_("timeout after {seconds} s"), {"seconds": f"{exc.seconds:g}"})
    return None


def decide(exc: BaseException | None, phase: Phase, *, in_body: bool, has_evidence: bool = True) -> Decision:
    """The outcome of a check that raised ``exc`` (None: returned normally) during ``phase``.

    ``in_body``: ``exc`` was raised in the check function's own frame (not in a helper, fixture or
    harness code it called). ``has_evidence``: the check looked at the host (a fact or a command).
    """
    if exc is None:
        return _needs_evidence(Decision(Outcome.PASS), has_evidence)
    if isinstance(exc, HostUnreachable):
        return Decision(None, message=str(exc))
    if isinstance(exc, NotApplicable) and phase is not Phase.TEARDOWN:
        return Decision(Outcome.NOT_APPLICABLE, exc.key, exc.params)
    if isinstance(exc, Skipped):
        return Decision(Outcome.SKIPPED, message=_first_line(exc) or "skipped")
    if isinstance(exc, NotCaptured):
        return Decision(Outcome.ERROR, N_("not captured: {what}"), {"what": exc.what})
    timed_out = _timeout(exc)
    if timed_out is not None:
        return timed_out
    if phase is Phase.CALL and isinstance(exc, CheckFailed):
        return _needs_evidence(Decision(Outcome.FAIL, exc.key, exc.params), has_evidence)
    if phase is Phase.CALL and in_body and isinstance(exc, AssertionError):
        explanation = str(exc).strip()[:MAX_EXPLANATION] or "assertion failed"
        return _needs_evidence(Decision(Outcome.FAIL, message=explanation), has_evidence)
    return _unexpected(exc, phase)


def _needs_evidence(decision: Decision, has_evidence: bool) -> Decision:
    """An honest pass or fail has looked at the host; one that did not is a defect in the check."""
    if has_evidence:
        return decision
    return Decision(Outcome.ERROR, N_("the check decided without looking at the host (no evidence recorded)"))


# ---------------------------------------------------------------- the database layer's SQL errors

#: the exception classes (module attribute paths in the driver) that are not the database refusing SQL
#: but a limit we set running out or the server shutting down: not an answer, so ``error``
_NOT_AN_ANSWER = ("errors.QueryCanceled", "errors.LockNotAvailable", "errors.AdminShutdown", "OperationalError")
#: drivers whose OperationalError is also the server's answer (MySQL reports refused SQL with it)
_OPERATIONAL_IS_ANSWER = {"pymysql"}


def _resolve(driver: Any, dotted: str) -> Any:
    head, _, rest = dotted.partition(".")
    obj = getattr(driver, head, None)
    if obj is None and rest and isinstance(getattr(driver, "__name__", None), str):
        with contextlib.suppress(ImportError):
            obj = importlib.import_module(f"{driver.__name__}.{head}")
    for part in rest.split(".") if rest else ():
        obj = getattr(obj, part, None)
    return obj


def _not_an_answer(driver: Any) -> tuple[type[BaseException], ...]:
    found = (_resolve(driver, dotted) for dotted in _NOT_AN_ANSWER)
    return tuple(c for c in found if isinstance(c, type) and issubclass(c, BaseException))


def sql_error_is_answer(exc: BaseException, driver_name: str, driver: Any, *, connection_lost: bool) -> bool:
    """Whether a driver error raised by SQL a check sent is the database's answer (the feature does
    not hold: ``fail``) rather than no answer at all (a lost connection, a timeout we set: ``error``).

    The exact class decides, not a subclass: psycopg's ``DeadlockDetected`` derives from
    ``OperationalError`` and is the server's answer.
    """
    if connection_lost:
        return False
    if driver_name in _OPERATIONAL_IS_ANSWER:
        return True
    return type(exc) not in _not_an_answer(driver)
