"""Long-run stability: one sampled run of hours under each service's load, each hour compared with the first.

Source: openEuler ISV technical certification test rules (reliability: a long run of the product under load;
its resource use compared as the load-fluctuation item compares runs, within 5 %). Asked for with
``xcert certify --soak-hours H`` or a service's ``soak_hours``; an hour is 3600 s (``XCERT_HOUR_SECONDS``
shortens it for tests and demos, and the run records the length it used).
"""

from __future__ import annotations

from harness.checks import N_, CheckContext, check
from harness.lifecycle import longrun, plot, sampler, soak
from harness.lifecycle.dbload import Databases
from harness.lifecycle.service import Service
from harness.session import HostSession

OPENEULER_ISV = "openEuler ISV technical certification test rules (reliability: long run under load)"
TRIM = 0.2
LIMIT_PP = 5.0
DEFAULT_SAMPLE_S = 1.0


def _long_one(target: HostSession, svc: Service, dbs: Databases, hours: float, xc: CheckContext) -> list[str]:
    hour_s = longrun.hour_seconds()
    seconds = hours * hour_s
    step = longrun.interval(seconds, float(svc.decl.get("sample_s", DEFAULT_SAMPLE_S)), hour_s)
    samples = sampler.parse(soak.sample_run(target, svc, dbs, seconds, step))
    windows = longrun.windows(samples, hour_s, limit=int(hours))
    if len(windows) < 2:
        raise RuntimeError(f"{svc.name}: {len(samples)} samples make {len(windows)} whole hours, two are needed")
    drifts = longrun.drift(windows, TRIM)
    xc.measure(f"{svc.name}.hours", len(windows), "count")
    xc.measure(f"{svc.name}.hour_s", hour_s, "s")
    xc.measure(f"{svc.name}.sample_s", round(step, 3), "s")
    xc.measure(f"{svc.name}.cpu_drift_max_pp", max(d.cpu_pp for d in drifts), "%")
    xc.measure(f"{svc.name}.memory_drift_max_pp", max(d.mem_pp for d in drifts), "%")
    store = target.evidence
    xc.link(store.attachment(f"{svc.name}-longrun-samples", ".csv", sampler.to_csv(windows).encode("utf-8")))
    png = plot.runs_png(f"{svc.name}: {len(windows)} hours", windows, TRIM, series="hour")
    xc.link(store.attachment(f"{svc.name}-longrun-plot", ".png", png))
    return [
        f"{svc.name}: hour {d.hour} differs from hour 1 by {d.cpu_pp:g} CPU and {d.mem_pp:g} memory percentage points"
        for d in drifts
        if d.cpu_pp > LIMIT_PP or d.mem_pp > LIMIT_PP
    ]


@check(
    "XC-LC-008",
    layer="lifecycle",
    severity="mandatory",
    title=N_("Resource use stays steady hour after hour in a long run"),
    requirement=N_(
        "In a long run of each service's load (the hours asked for), the mean CPU and memory use of every hour "
        "(its first and last fifth left out) stay within 5 percentage points of the first hour's."
    ),
    remedy=N_(
        "Look at the plotted hours for what grows (a leak, a cache, a log filling a disk), fix it and certify again."
    ),
    profiles=("disruptive",),
    source=OPENEULER_ISV,
    tags=("lifecycle", "reliability", "soak", "long-run"),
    timeout_s=int(longrun.MAX_HOURS * 3600 + 3600),
)
def test_long_run(target: HostSession, xc: CheckContext) -> None:
    asked = [(svc, h) for svc in soak.loadable(target) if (h := longrun.soak_hours(svc.decl))]
    if not asked:
        xc.not_applicable(N_("No long run was asked for (xcert certify --soak-hours H, or a service's soak_hours)"))
        return
    problems: list[str] = []
    dbs = Databases(getattr(target.spec, "db_targets", ()) or (), getattr(target, "transport", None))
    try:
        for svc, hours in asked:
            problems += _long_one(target, svc, dbs, hours, xc)
    finally:
        dbs.close()
    if problems:
        xc.fail(N_("Resource use drifts in the long run: {problems}"), problems="; ".join(problems))
    xc.note(N_("Every hour of the long run stayed within 5 percentage points of the first"))
