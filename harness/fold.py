"""A host's journal folded into its state: the results of a host are a fold over its typed records.

Each attempt (the first run, each resume) starts with its plan: what an earlier attempt found
about reachability no longer holds, decided checks stay decided (the first decision stands).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from harness.records import (
    CheckRecord,
    FactsRecord,
    HostEndRecord,
    PlanRecord,
    ProvisionRecord,
    Record,
    UnreachableRecord,
)


def plan_key(entry: dict[str, Any]) -> str:
    """The key of a plan entry, as CheckRecord.key."""
    subject = entry.get("subject") or ""
    return f"{entry['id']}[{subject}]" if subject else str(entry["id"])


@dataclass
class HostState:
    plan: tuple[dict[str, Any], ...] = ()
    checks: dict[str, CheckRecord] = field(default_factory=dict)
    unreachable: UnreachableRecord | None = None
    #: the latest attempt's preparation that reached the host (cleanup never changes a verdict)
    prepare: ProvisionRecord | None = None
    facts: FactsRecord | None = None
    ended: bool = False
    #: records seen at all (a host whose worker never started has none)
    seen: int = 0

    def add(self, rec: Record) -> HostState:
        self.seen += 1
        if isinstance(rec, PlanRecord):
            self.plan, self.unreachable, self.ended = rec.checks, None, False
        elif isinstance(rec, CheckRecord):
            self.checks.setdefault(rec.key, rec)
        elif isinstance(rec, UnreachableRecord):
            self.unreachable = rec
        elif isinstance(rec, FactsRecord):
            self.facts = rec
        elif isinstance(rec, ProvisionRecord) and rec.action == "prepare" and not rec.unreachable:
            self.prepare = rec
        elif isinstance(rec, HostEndRecord):
            self.ended = True
        return self

    @property
    def undecided(self) -> list[str]:
        return [plan_key(c) for c in self.plan if plan_key(c) not in self.checks]

    @property
    def reachable(self) -> bool:
        return self.unreachable is None and (self.facts is not None or not self.plan)


def fold(records: Iterable[Record]) -> HostState:
    state = HostState()
    for rec in records:
        state.add(rec)
    return state
