"""The harness's pytest plugin: runs the checks of suites/ against one host and journals them.

Loaded by the worker (``python -m harness.worker``) with ``--xcert-run DIR --xcert-host SLUG``;
without those options it stays inert, so the project's own tests are unaffected.
"""

from __future__ import annotations

import signal
import time
import traceback
from collections.abc import Callable, Generator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from harness.checks import N_, CheckContext, CheckFailed, CheckMeta, CheckTimeout, NotApplicable, not_applicable_reason
from harness.clock import utc_now_iso
from harness.facts.snapshot import Facts
from harness.hostfacts import summarize
from harness.identify import Component, identify
from harness.inventory import HostSpec
from harness.journal import Journal
from harness.outcomes import Outcome
from harness.session import HostSession
from harness.terms import is_message
from harness.testinfra_backend import testinfra_host
from harness.transport.base import CommandTimeout, HostUnreachable

#: set by the worker before pytest starts: the host spec with its secrets (never on disk)
INJECTED_SPEC: HostSpec | None = None


@dataclass
class HostRun:
    run_dir: Path
    spec: HostSpec
    slug: str
    profile: str
    journal: Journal
    session: HostSession
    decided_before: set[str] = field(default_factory=set)
    facts: Facts | None = None
    identity: dict[str, Component] = field(default_factory=dict)
    summary: dict[str, Any] = field(default_factory=dict)
    lost: HostUnreachable | None = None
    recorded: set[str] = field(default_factory=set)

    def stack(self) -> dict[str, str | list[str] | None]:
        flat: dict[str, str | list[str] | None] = {"arch": self.summary.get("arch")}
        for layer, comp in self.identity.items():
            # the catalog id and its families: a selector naming a family matches its members
            flat[layer] = list(comp.lineage) or comp.catalog_id
            flat[f"{layer}.xinchuang"] = None if comp.xinchuang is None else str(comp.xinchuang).lower()
        for key, value in self.spec.declared.items():
            flat[f"declared.{key}"] = value
        return flat


HOST_RUN = pytest.StashKey[HostRun]()
CONTEXT = pytest.StashKey[CheckContext]()
STARTED = pytest.StashKey[tuple[float, str]]()


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("xcert")
    group.addoption("--xcert-run", default=None, help="run directory to journal into")
    group.addoption("--xcert-host", default=None, help="host (its slug in run.json) to certify")
    group.addoption("--xcert-profile", default="quick", help="profile: quick, full or disruptive")


def _masked_args(mask: Callable[[str], str], args: Mapping[str, Any]) -> dict[str, Any]:
    """Message parameters as text with secrets masked; a parameter that is a message
    (harness.terms.message) stays one, its own parameters masked the same way."""
    out: dict[str, Any] = {}
    for name, value in args.items():
        if is_message(value):
            out[name] = {"key": mask(value["key"]), "args": _masked_args(mask, value.get("args") or {})}
        else:
            out[name] = mask(str(value))
    return out


def _meta(item: pytest.Item) -> CheckMeta | None:
    fn = getattr(item, "function", None)
    return getattr(fn, "xcert_check", None)


def _load_run(config: pytest.Config) -> HostRun | None:
    run_opt = config.getoption("--xcert-run")
    if not run_opt:
        return None
    from harness.journal import read_journal
    from harness.rundir import load_run_meta

    run_dir = Path(run_opt)
    meta = load_run_meta(run_dir)
    slug = config.getoption("--xcert-host")
    host_meta = next((h for h in meta["hosts"] if h["slug"] == slug), None)
    if host_meta is None:
        raise pytest.UsageError(f"host {slug!r} is not in {run_dir / 'run.json'}")
    spec = INJECTED_SPEC if INJECTED_SPEC is not None and INJECTED_SPEC.name == host_meta["name"] else None
    if spec is None:
        public = dict(host_meta)
        public.pop("slug", None)
        spec = HostSpec(**{k: v for k, v in public.items() if k in HostSpec.__dataclass_fields__})
    journal_path = run_dir / "journal" / f"{slug}.jsonl"
    decided = {check_key(r["id"], r.get("subject", "")) for r in read_journal(journal_path) if r.get("type") == "check"}
    return HostRun(
        run_dir=run_dir,
        spec=spec,
        slug=slug,
        profile=config.getoption("--xcert-profile"),
        journal=Journal(journal_path),
        session=HostSession(run_dir, spec, slug),
        decided_before=decided,
    )


#: set by SIGUSR1 (the first Ctrl-C of the run): finish the check in flight, start no other
STOP_REQUESTED = False


def _request_stop(_signum: int, _frame: object) -> None:
    global STOP_REQUESTED
    STOP_REQUESTED = True


def _abort(_signum: int, _frame: object) -> None:
    # the second Ctrl-C: abort the check in flight (what it started is killed on the way out)
    raise KeyboardInterrupt


def pytest_configure(config: pytest.Config) -> None:
    run = _load_run(config)
    if run is not None:
        config.stash[HOST_RUN] = run
        signal.signal(signal.SIGUSR1, _request_stop)
        signal.signal(signal.SIGTERM, _abort)


def _on_alarm(_signum: int, _frame: object) -> None:
    raise CheckTimeout(_ALARM_SECONDS[0])


_ALARM_SECONDS = [0.0]


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Generator[None, Any, Any]:
    meta = _meta(item)
    if meta is None or HOST_RUN not in item.config.stash or meta.timeout_s <= 0:
        return (yield)
    _ALARM_SECONDS[0] = meta.timeout_s
    previous = signal.signal(signal.SIGALRM, _on_alarm)
    signal.setitimer(signal.ITIMER_REAL, meta.timeout_s)
    try:
        return (yield)
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def pytest_runtest_logfinish(nodeid: str, location: object) -> None:
    if STOP_REQUESTED:
        for run_session in _SESSIONS:
            run_session.shouldstop = "interrupted: the run was asked to stop"


_SESSIONS: list[pytest.Session] = []


def pytest_sessionstart(session: pytest.Session) -> None:
    _SESSIONS.append(session)


def check_key(check_id: str, subject: str = "") -> str:
    """A check decided once per subject: ``XC-DB-001`` or ``XC-DB-001[pg-main]``."""
    return f"{check_id}[{subject}]" if subject else check_id


def _subject(item: pytest.Item) -> str:
    """What a parametrized check looks at (its parameter id, e.g. a database target); else ""."""
    callspec = getattr(item, "callspec", None)
    return str(callspec.id) if callspec is not None else ""


def _record(
    run: HostRun,
    meta: CheckMeta,
    outcome: Outcome,
    ctx: CheckContext | None,
    message: str = "",
    started: tuple[float, str] | None = None,
    subject: str = "",
) -> None:
    key = check_key(meta.id, subject)
    if key in run.recorded:
        return
    run.recorded.add(key)
    ctx = ctx or CheckContext(meta)
    t0, started_iso = started or (time.monotonic(), utc_now_iso())
    run.journal.append(
        {
            "type": "check",
            "id": meta.id,
            "subject": subject,
            "layer": meta.layer,
            "severity": str(meta.severity),
            "title": meta.title,
            "outcome": str(outcome),
            "message": run.session.secrets.text(message or ctx.message),
            "message_key": ctx.message_key,
            "message_args": _masked_args(run.session.secrets.text, ctx.message_args),
            "measurements": ctx.measurements,
            "evidence": ctx.evidence,
            "started": started_iso,
            "duration_s": round(time.monotonic() - t0, 6),
        }
    )


def _connect_and_identify(run: HostRun) -> None:
    try:
        run.session.connect()
        facts, extra = run.session.gather_facts()
    except HostUnreachable as exc:
        run.lost = exc
        run.journal.append({"type": "unreachable", "reason": exc.reason, "detail": exc.detail, "time": utc_now_iso()})
        return
    run.facts = facts
    run.identity = identify(facts)
    run.summary = summarize(facts, extra)
    summary_ref = run.session.evidence.document("facts-summary", {"summary": run.summary, **extra})
    run.session.facts_refs.append(summary_ref)
    run.journal.append(
        {
            "type": "facts",
            "time": utc_now_iso(),
            "identity": {k: c.as_dict() for k, c in run.identity.items()},
            "summary": run.summary,
            "evidence": run.session.facts_refs,
        }
    )


def pytest_collection_modifyitems(session: pytest.Session, config: pytest.Config, items: list[pytest.Item]) -> None:
    run = config.stash.get(HOST_RUN, None)
    if run is None:
        return
    checks: list[tuple[pytest.Item, CheckMeta]] = []
    seen: dict[str, str] = {}
    for item in items:
        meta = _meta(item)
        if meta is None:
            continue
        key = check_key(meta.id, _subject(item))
        if key in seen:
            raise pytest.UsageError(f"check id {key} is used twice: {seen[key]} and {item.nodeid}")
        seen[key] = item.nodeid
        checks.append((item, meta))
    run.journal.append(
        {
            "type": "plan",
            "time": utc_now_iso(),
            "profile": run.profile,
            "checks": [dict(m.as_dict(), subject=_subject(i)) for i, m in checks],
        }
    )
    to_run: list[pytest.Item] = []
    for item, meta in checks:
        if check_key(meta.id, _subject(item)) in run.decided_before:
            continue
        if run.profile not in meta.profiles:
            ctx = CheckContext(meta)
            ctx.note(N_("Not in the {profile} profile"), profile=run.profile)
            _record(run, meta, Outcome.SKIPPED, ctx, subject=_subject(item))
            continue
        to_run.append(item)
    deselected = [i for i in items if i not in to_run]
    if deselected:
        config.hook.pytest_deselected(items=deselected)
    items[:] = to_run
    if items:
        _connect_and_identify(run)
        if run.lost is not None:
            config.hook.pytest_deselected(items=list(items))
            items[:] = []


def pytest_runtest_setup(item: pytest.Item) -> None:
    run = item.config.stash.get(HOST_RUN, None)
    meta = _meta(item)
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


def _outcome_for(exc: BaseException) -> Outcome:
    if isinstance(exc, NotApplicable):
        return Outcome.NOT_APPLICABLE
    if isinstance(exc, (CheckFailed, AssertionError)):
        return Outcome.FAIL
    if isinstance(exc, pytest.skip.Exception):
        return Outcome.SKIPPED
    return Outcome.ERROR


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Generator[None, Any, Any]:
    report = yield
    run = item.config.stash.get(HOST_RUN, None)
    meta = _meta(item)
    if run is None or meta is None or check_key(meta.id, _subject(item)) in run.recorded or run.lost is not None:
        return report
    ctx = item.stash.get(CONTEXT, None) or CheckContext(meta)
    started = item.stash.get(STARTED, None)
    if call.when == "teardown" or (call.when == "setup" and call.excinfo is None):
        return report
    exc = call.excinfo.value if call.excinfo is not None else None
    if isinstance(exc, HostUnreachable):
        run.lost = exc
        run.journal.append(
            {
                "type": "unreachable",
                "reason": exc.reason,
                "detail": exc.detail,
                "lost_mid_run": True,
                "during": meta.id,
                "time": utc_now_iso(),
            }
        )
        item.session.shouldstop = f"host {run.spec.name} lost: {exc}"
        return report
    if exc is None:
        outcome, message = Outcome.PASS, ""
    else:
        outcome = _outcome_for(exc)
        message = ""
        if isinstance(exc, CheckFailed | NotApplicable):
            ctx.note(exc.key, **exc.params)
        elif isinstance(exc, CommandTimeout):
            ctx.note(
                N_("timeout after {seconds} s: {command}"), seconds=f"{exc.timeout_s:g}", command=exc.result.command
            )
        elif isinstance(exc, CheckTimeout):
            ctx.note(N_("timeout after {seconds} s"), seconds=f"{exc.seconds:g}")
        elif outcome is Outcome.FAIL:
            message = str(exc).strip().splitlines()[0] if str(exc).strip() else "assertion failed"
        elif outcome is Outcome.SKIPPED:
            message = str(getattr(exc, "msg", "")) or "skipped"
        else:
            message = f"{type(exc).__name__}: {exc}"
            tb = "".join(traceback.format_exception(exc))
            ctx.link(run.session.evidence.document("traceback", {"check": meta.id, "traceback": tb}))
    if outcome in (Outcome.PASS, Outcome.FAIL) and not ctx.evidence:
        # an honest pass or fail has looked at the host; one that did not is a defect in the check
        outcome = Outcome.ERROR
        ctx.note(N_("the check decided without looking at the host (no evidence recorded)"))
        message = ""
    _record(run, meta, outcome, ctx, message, started, subject=_subject(item))
    return report


def pytest_unconfigure(config: pytest.Config) -> None:
    run = config.stash.get(HOST_RUN, None)
    if run is None:
        return
    run.journal.append(
        {"type": "host_end", "time": utc_now_iso(), "lost": run.lost is not None, "interrupted": STOP_REQUESTED}
    )
    run.session.close()
    run.journal.close()


# ---------------------------------------------------------------- fixtures for checks


def _run_of(request: pytest.FixtureRequest) -> HostRun:
    run = request.config.stash.get(HOST_RUN, None)
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
def host(request: pytest.FixtureRequest) -> Any:
    """A testinfra Host on xcert's own connection; every command it runs is evidence."""
    return testinfra_host(_run_of(request).session)


@pytest.fixture
def facts(request: pytest.FixtureRequest) -> Facts:
    run = _run_of(request)
    _link_facts(request, run)
    assert run.facts is not None
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
    """The host session: ``target.run(cmd, timeout_s=...)`` for commands with their own timeout."""
    return _run_of(request).session
