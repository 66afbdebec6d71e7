"""The host run: what one worker certifies (run.json, the spec, the journal, the session) and how a
decision is journaled. ``current_run(request)`` is the public way for a layer's plugin to reach it."""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from harness.checks import CheckContext, CheckMeta
from harness.clock import utc_now_iso
from harness.facts.snapshot import Facts
from harness.hostfacts import summarize
from harness.identify import Component, identify
from harness.inventory import HostSpec
from harness.journal import Journal
from harness.outcomes import Outcome
from harness.provision.seen import from_env as seen_lost
from harness.records import CheckRecord, FactsRecord, HostEndRecord, UnreachableRecord
from harness.redact import SecretFilter
from harness.session import HostSession
from harness.terms import is_message
from harness.transport.base import HostUnreachable

#: set by the worker before pytest starts: the host spec with its secrets (never on disk)
_INJECTED: list[HostSpec] = []


def inject_spec(spec: HostSpec) -> None:
    """The worker hands over the spec with its secrets (from its stdin) before pytest starts."""
    _INJECTED[:] = [spec]



def masked_args(mask: Callable[[str], str], args: Mapping[str, Any]) -> dict[str, Any]:
    """Message parameters as text with secrets masked; a parameter that is a message
    (harness.terms.message) stays one, its own parameters masked the same way."""
    out: dict[str, Any] = {}
    for name, value in args.items():
        if is_message(value):
            out[name] = {"key": mask(value["key"]), "args": masked_args(mask, value.get("args") or {})}
        else:
            out[name] = mask(str(value))
    return out

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
    #: -k / -m / --check of the run (run.json); empty: every check
    selection: Mapping[str, Any] = field(default_factory=dict)

    def stack(self) -> dict[str, str | list[str] | None]:
        flat: dict[str, str | list[str] | None] = {"arch": self.summary.get("arch")}
        for layer, comp in self.identity.items():
            # the catalog id and its families: a selector naming a family matches its members
            flat[layer] = list(comp.lineage) or comp.catalog_id
            flat[f"{layer}.xinchuang"] = None if comp.xinchuang is None else str(comp.xinchuang).lower()
        for key, value in self.spec.declared.items():
            flat[f"declared.{key}"] = value
        return flat

    def record(
        self,
        meta: CheckMeta,
        outcome: Outcome,
        ctx: CheckContext | None,
        message: str = "",
        started: tuple[float, str] | None = None,
        subject: str = "",
    ) -> None:
        """Journal a check's decision, once per (id, subject): the first decision stands."""
        key = check_key(meta.id, subject)
        if key in self.recorded:
            return
        self.recorded.add(key)
        ctx = ctx or CheckContext(meta)
        t0, started_iso = started or (time.monotonic(), utc_now_iso())
        secrets = self.session.secrets
        self.journal.append(
            CheckRecord(
                id=meta.id,
                subject=subject,
                layer=meta.layer,
                severity=str(meta.severity),
                title=meta.title,
                outcome=str(outcome),
                message=secrets.text(message or ctx.message),
                message_key=ctx.message_key,
                message_args=masked_args(secrets.text, ctx.message_args),
                measurements=ctx.measurements,
                evidence=ctx.evidence,
                started=started_iso,
                duration_s=round(time.monotonic() - t0, 6),
                tags=sorted(meta.tags),
            ).to_json()
        )

    def mark_lost(self, exc: HostUnreachable, during: str | None = None) -> None:
        self.lost = exc
        record = UnreachableRecord(
            reason=exc.reason, detail=exc.detail, time=utc_now_iso(), lost_mid_run=during is not None, during=during
        )
        self.journal.append(record.to_json())

    def connect_and_identify(self) -> None:
        """Connect, gather every fact in one round trip, identify; a host that cannot be reached is marked lost."""
        seen = seen_lost()  # the readiness command waited out its timeout on this host: not once more
        if seen is not None:
            self.mark_lost(seen)
            return
        try:
            self.session.connect()
            facts, extra = self.session.gather_facts()
        except HostUnreachable as exc:
            self.mark_lost(exc)
            return
        self.facts = facts
        self.identity = identify(facts)
        self.summary = summarize(facts, extra)
        summary_ref = self.session.evidence.document("facts-summary", {"summary": self.summary, **extra})
        self.session.facts_refs.append(summary_ref)
        self.journal.append(
            FactsRecord(
                time=utc_now_iso(),
                identity={k: c.as_dict() for k, c in self.identity.items()},
                summary=self.summary,
                evidence=list(self.session.facts_refs),
                # observed live, or answered from a snapshot (its SHA-256 and who supplied it)
                source=self.session.transport.source() if self.session.transport else {"kind": "live"},
            ).to_json()
        )


HOST_RUN = pytest.StashKey[HostRun]()


def current_run(request: pytest.FixtureRequest | pytest.Config) -> HostRun | None:
    """The host run of this pytest session, or None outside an xcert run (public API for layer plugins)."""
    config = request if isinstance(request, pytest.Config) else request.config
    return config.stash.get(HOST_RUN, None)


def check_key(check_id: str, subject: str = "") -> str:
    """A check decided once per subject: ``XC-DB-001`` or ``XC-DB-001[pg-main]``."""
    return f"{check_id}[{subject}]" if subject else check_id


def meta_of(item: pytest.Item) -> CheckMeta | None:
    # a user suite's test carries its meta on the item (harness.usersuite.plugin), a check on its function
    fn = getattr(item, "function", None)
    return getattr(item, "xcert_check", None) or getattr(fn, "xcert_check", None)


def subject_of(item: pytest.Item) -> str:
    """What a parametrized check looks at (its parameter id, e.g. a database target); else ""."""
    callspec = getattr(item, "callspec", None)
    return str(callspec.id) if callspec is not None else ""


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("xcert")
    group.addoption("--xcert-run", default=None, help="run directory to journal into")
    group.addoption("--xcert-host", default=None, help="host (its slug in run.json) to certify")
    group.addoption("--xcert-profile", default="quick", help="profile: quick, full or disruptive")


def load_run(config: pytest.Config) -> HostRun | None:
    run_opt = config.getoption("--xcert-run")
    if not run_opt:
        return None
    from harness.journal import read_journal
    from harness.records import read_records
    from harness.rundir import load_run_meta

    run_dir = Path(run_opt)
    meta = load_run_meta(run_dir)
    slug = config.getoption("--xcert-host")
    host_meta = next((h for h in meta["hosts"] if h["slug"] == slug), None)
    if host_meta is None:
        raise pytest.UsageError(f"host {slug!r} is not in {run_dir / 'run.json'}")
    spec = next((s for s in _INJECTED if s.name == host_meta["name"]), None)
    if spec is None:
        public = dict(host_meta)
        public.pop("slug", None)
        spec = HostSpec(**{k: v for k, v in public.items() if k in HostSpec.__dataclass_fields__})
    journal_path = run_dir / "journal" / f"{slug}.jsonl"
    decided = {r.key for r in read_records(read_journal(journal_path)) if isinstance(r, CheckRecord)}
    return HostRun(
        run_dir=run_dir,
        spec=spec,
        slug=slug,
        profile=config.getoption("--xcert-profile"),
        journal=Journal(journal_path, SecretFilter(spec.secrets)),
        session=HostSession(run_dir, spec, slug),
        decided_before=decided,
        selection=meta.get("selection") or {},
    )


@pytest.hookimpl(tryfirst=True)
def pytest_configure(config: pytest.Config) -> None:
    run = load_run(config)
    if run is None:
        return
    _refuse_testinfra_plugin(config)
    config.stash[HOST_RUN] = run


def _refuse_testinfra_plugin(config: pytest.Config) -> None:
    """testinfra's own plugin would shadow our ``host`` with one on this machine (LocalBackend)."""
    for name, plugin in config.pluginmanager.list_name_plugin():
        if getattr(plugin, "__name__", "") == "testinfra.plugin":
            raise pytest.UsageError(
                f"testinfra's pytest plugin is loaded (as {name!r}): its `host` fixture would inspect the "
                "controller instead of the target; block it with -p no:" + str(name)
            )


def pytest_unconfigure(config: pytest.Config) -> None:
    from harness.pytest_plugin.signals import stop_requested

    run = config.stash.get(HOST_RUN, None)
    if run is None:
        return
    run.journal.append(
        HostEndRecord(time=utc_now_iso(), lost=run.lost is not None, interrupted=stop_requested()).to_json()
    )
    run.session.close()
    run.journal.close()
