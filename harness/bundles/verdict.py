"""The bundle verdict: CERTIFIED only when every role has a current, certified result for a combination
it accepts and the cross-host checks passed; otherwise NOT_CERTIFIED or INCOMPLETE, each gap, failure and
expired result named.

Inherited cells never count towards a role: they were not tested.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from harness.bundles.combination import HostResult, RunRecord
from harness.bundles.definition import PROFILE_RANK, Bundle, Role
from harness.outcomes import Verdict, run_verdict


def _when(stamp: str) -> datetime:
    return datetime.fromisoformat(stamp.replace("Z", "+00:00"))


def _failed_checks(result: HostResult) -> list[str]:
    return [
        str(c["id"])
        for c in result.checks
        if c.get("severity") == "mandatory" and c.get("outcome") in ("fail", "error")
    ]


def role_status(role: Role, bundle: Bundle, cells: list[dict[str, Any]], now: datetime) -> dict[str, Any]:
    from harness.bundles.matrix import role_matches

    oldest = now - timedelta(days=bundle.validity_days)
    problems: list[dict[str, Any]] = []
    current: list[HostResult] = []
    for cell in cells:
        result: HostResult = cell["_decider"]  # the newest complete result of the combination decides
        if not role_matches(role, result):
            continue
        where = {"run_id": result.run_id, "run_uid": result.run_uid, "host": result.host, "key": cell["key"]}
        if _when(result.date) < oldest:
            problems.append(dict(where, kind="expired", date=result.date, validity_days=bundle.validity_days))
            continue
        if PROFILE_RANK[result.profile] < PROFILE_RANK[role.profile]:
            problems.append(dict(where, kind="profile", profile=result.profile, required=role.profile))
            continue
        current.append(result)
        if result.verdict == "NOT_CERTIFIED":
            problems.append(dict(where, kind="failed", checks=_failed_checks(result)))
        elif result.verdict == "INCOMPLETE":
            problems.append(dict(where, kind="incomplete", checks=_failed_checks(result)))
    certified = [r for r in current if r.verdict == "CERTIFIED"]
    if certified:
        verdict = Verdict.CERTIFIED
        problems = []  # one current certified result is enough; the others stay visible in the matrix
    elif any(r.verdict == "NOT_CERTIFIED" for r in current):
        verdict = Verdict.NOT_CERTIFIED
    else:
        verdict = Verdict.INCOMPLETE
    return {
        "name": role.name,
        "profile": role.profile,
        "accepts": {layer: [a.label() for a in items] for layer, items in role.accepts.items()},
        "verdict": str(verdict),
        "results": [
            {"run_id": r.run_id, "run_uid": r.run_uid, "host": r.host, "verdict": r.verdict, "date": r.date}
            for r in (certified or current)
        ],
        "problems": problems,
    }


def _holds_the_bundle(bundle: Bundle, run: RunRecord) -> bool:
    """True when the run gave every role of the bundle hosts, each of a combination the role accepts."""
    from harness.bundles.matrix import role_matches

    assert run.integration is not None
    by_name = {h.host: h for h in run.hosts}
    for role in bundle.roles:
        names = run.integration["roles"].get(role.name) or []
        if not names or not all(n in by_name and role_matches(role, by_name[n]) for n in names):
            return False
    return True


def cross_host_status(bundle: Bundle, runs: Sequence[RunRecord], now: datetime) -> dict[str, Any]:
    """The cross-host checks (the integration pseudo-host) of the newest current run whose hosts held
    every role of the bundle, each with a combination the role accepts (a run of the database host
    alone, or of other products, says nothing about this bundle's hosts together)."""
    oldest = now - timedelta(days=bundle.validity_days)
    found = sorted(
        (r.integration for r in runs if r.integration is not None and _holds_the_bundle(bundle, r)),
        key=lambda i: str(i["date"]),
        reverse=True,
    )
    current = [i for i in found if _when(str(i["date"])) >= oldest]
    if not current:
        kind = "expired" if found else "missing"
        return {"verdict": str(Verdict.INCOMPLETE), "run_id": None, "problems": [{"kind": kind}], "checks": []}
    newest = current[0]
    failed = [
        {"check": c["id"], "subject": c.get("subject") or "", "outcome": c["outcome"], "message": c.get("message")}
        for c in newest["checks"]
        if c.get("severity") == "mandatory" and c["outcome"] in ("fail", "error")
    ]
    return {
        "verdict": newest["verdict"],
        "run_id": newest["run_id"],
        "run_uid": newest["run_uid"],
        "date": newest["date"],
        "problems": [dict(f, kind="failed" if f["outcome"] == "fail" else "incomplete") for f in failed],
        "checks": newest["checks"],
    }


def bundle_verdict(
    bundle: Bundle,
    cells: list[dict[str, Any]],
    gaps: list[dict[str, Any]],
    runs: Sequence[RunRecord],
    now: datetime,
) -> dict[str, Any]:
    roles = [role_status(role, bundle, cells, now) for role in bundle.roles]
    for status in roles:
        if status["verdict"] != "CERTIFIED":
            status["problems"] += [dict(g, kind="gap") for g in gaps if g["role"] == status["name"]]
    cross = cross_host_status(bundle, runs, now)
    verdict = run_verdict([Verdict(r["verdict"]) for r in roles] + [Verdict(cross["verdict"])])
    return {
        "name": bundle.name,
        "version": bundle.version,
        "vendor": bundle.vendor,
        "example": bundle.example,
        "source": bundle.source,
        "validity_days": bundle.validity_days,
        "verdict": str(verdict),
        "roles": roles,
        "cross_host": cross,
    }
