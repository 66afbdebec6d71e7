"""What the host checks (issue 15) share: running a probe honestly, the stack's lineage, judging a
database prerequisite against its product's cited requirement.

A probe the host cannot answer is an error (``FactMissing``), never a pass; a tool that is absent
is reported by the probe itself (``xcert-missing: <tool>``) and each check decides what that means.
"""

from __future__ import annotations

import weakref
from typing import Any

from harness import catalog, hostreq
from harness.checks import N_, CheckContext
from harness.facts.manifest import PROBES
from harness.identify import Component
from harness.probes.hostprobe import missing
from harness.session import HostSession
from harness.transport.base import CommandResult

DB_APPLIES = {"declared.db": ["*"]}
MLPS_TAGS = ("mlps",)


class FactMissing(RuntimeError):
    """A fact the check needs could not be had on this host (the message says which and why)."""


#: probe answers per host session: a probe several checks read runs once, and each of those checks
#: links the same evidence record. Keyed by the session object itself (weakly, so an answer goes with
#: its session and a later session that happens to get the same id() never sees it).
_ANSWERS: weakref.WeakKeyDictionary[HostSession, dict[str, tuple[CommandResult, str]]] = weakref.WeakKeyDictionary()


def run_probe(target: HostSession, name: str) -> CommandResult:
    """The probe's CommandResult, run once per host; every check that reads it links its evidence."""
    answers = _ANSWERS.setdefault(target, {})
    hit = answers.get(name)
    if hit is None:
        # HostSession._run links the record to the current check and hands back its reference
        answers[name] = hit = target._run(PROBES[name], label=name)
        return hit[0]
    result, ref = hit
    if target.current is not None:
        target.current.link(ref)
    return result


def probe(target: HostSession, name: str) -> tuple[str, str | None]:
    """(output, the tool the probe found missing or None). A probe the host did not answer at all
    (a snapshot without it, a shell error) raises FactMissing."""
    result = run_probe(target, name)
    text = result.text
    tool = missing(text)
    if tool is not None:
        return text, tool
    if result.rc == 127 and not text.strip():
        why = result.stderr.decode("utf-8", errors="replace").strip() or "command not found"
        raise FactMissing(f"probe {name} could not be run on the host (rc 127: {why[:120]})")
    return text, None


def need(target: HostSession, name: str) -> str:
    """The probe's output; a missing tool is FactMissing naming it."""
    text, tool = probe(target, name)
    if tool is not None:
        raise FactMissing(f"{tool} is not available on the host, so {name} cannot be read")
    return text


def lineage(identity: dict[str, Component], layer: str) -> list[str]:
    comp = identity.get(layer)
    if comp is None:
        return []
    return list(comp.lineage) or ([comp.catalog_id] if comp.catalog_id else [])


def declared_db(declared: dict[str, str]) -> tuple[str, str | None]:
    """(the declared database's catalog id, the requirements entry that applies to it or None)."""
    entry = catalog.find("db", declared["db"])
    if entry is None:
        raise FactMissing(f"declared database {declared['db']!r} is not in the catalog: its requirements are unknown")
    return entry.id, hostreq.db_product(catalog.lineage(entry))


def judge_db(
    xc: CheckContext,
    declared: dict[str, str],
    key: str,
    fact: str,
    value: Any,
    *,
    mem_total_kib: int | None = None,
) -> None:
    """Judge ``value`` against the declared database's cited requirement for ``key``; without one,
    record it. ``value`` None means the fact could not be had (FactMissing)."""
    db_id, product = declared_db(declared)
    if value is None:
        raise FactMissing(f"{fact} could not be read on the host")
    shown = str(value)
    rule = hostreq.db_rule(product, key) if product else None
    if rule is None:
        xc.note(
            N_("{fact} is {value}; {product} has no cited requirement for it: recorded"),
            fact=fact,
            value=shown,
            product=db_id,
        )
        return
    if hostreq.holds(rule, shown, mem_total_kib):
        xc.note(
            N_("{fact} is {value}: {product} requires {wanted} ({source})"),
            fact=fact,
            value=shown,
            product=db_id,
            wanted=rule.wanted(),
            source=rule.source,
        )
        return
    if rule.advisory:
        xc.note(
            N_("{fact} is {value}; {product} recommends {wanted} ({source}): a warning only"),
            fact=fact,
            value=shown,
            product=db_id,
            wanted=rule.wanted(),
            source=rule.source,
        )
        return
    xc.fail(
        N_("{fact} is {value}; {product} requires {wanted} ({source})"),
        fact=fact,
        value=shown,
        product=db_id,
        wanted=rule.wanted(),
        source=rule.source,
    )


def record(xc: CheckContext, fact: str, value: Any) -> None:
    """A fact no source gives a threshold for: recorded, shown, not judged."""
    xc.note(N_("{fact}: {value} (recorded; no source gives a threshold)"), fact=fact, value=str(value))


def judge_many(
    xc: CheckContext,
    declared: dict[str, str],
    items: list[tuple[str, str, Any]],
    *,
    mem_total_kib: int | None = None,
) -> None:
    """Several (key, fact, value) of one requirement group, judged together: the check fails when
    any mandatory rule does not hold, naming each. A value None is a fact that could not be had."""
    db_id, product = declared_db(declared)
    bad: list[str] = []
    shown: list[str] = []
    sources: set[str] = set()
    for key, fact, value in items:
        rule = hostreq.db_rule(product, key) if product else None
        if value is None:
            if rule is not None:
                raise FactMissing(f"{fact} could not be read on the host")
            continue
        if rule is None:
            shown.append(f"{fact} {value} (no cited requirement)")
            continue
        sources.add(rule.source)
        ok = hostreq.holds(rule, str(value), mem_total_kib)
        verdict = "ok" if ok else ("warning only" if rule.advisory else "NOT MET")
        line = f"{fact} {value} (requires {rule.wanted()}: {verdict})"
        shown.append(line)
        if not ok and not rule.advisory:
            bad.append(line)
    if not shown:
        raise FactMissing("none of " + ", ".join(f for _, f, _ in items) + " could be read on the host")
    details = "; ".join(shown)
    source = "; ".join(sorted(sources)) or "none"
    if bad:
        xc.fail(
            N_("{product} requirements not met: {details} ({source})"),
            product=db_id,
            details="; ".join(bad),
            source=source,
        )
    xc.note(N_("{product}: {details} ({source})"), product=db_id, details=details, source=source)
