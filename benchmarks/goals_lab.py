"""The measuring half of benchmarks/goals.py: one function per part, each returning its figures as a dict.

Each lab part builds its own lab (``xcert lab up``) in a directory of the run's temporary folder and takes it
down in a ``finally`` (an exception, Ctrl-C or SIGTERM included). The measurements themselves are the other
benchmarks' own functions: benchmarks/facts.py (``measure``), benchmarks/provision.py (``measure``), benchmarks/fleet.py (its rows, stopped
hosts and plot) and benchmarks/render_reports.py (its seed run, rows and child processes). Every run's exit
status is checked: a timing of a run that failed is not a figure.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import os
import shutil
import statistics
import subprocess
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import facts  # benchmarks/*.py, on sys.path through benchmarks/goals.py
import fleet
import render_reports

ROOT = Path(__file__).resolve().parent.parent
BIN = fleet.BIN
CERTIFY_OK = (0, 1, 2)  # certified, not certified, incomplete: a run that ended; 3 and above did not


class PartError(RuntimeError):
    pass


def _optional(name: str) -> ModuleType | None:
    try:
        return importlib.import_module(name)
    except ImportError:
        return None


@contextlib.contextmanager
def lab(hosts: int, work: Path) -> Iterator[tuple[Path, dict[str, str]]]:
    """A lab of ``hosts`` hosts in ``work/lab``; its inventory and the environment that reaches it."""
    work.mkdir(parents=True, exist_ok=True)
    env = {k: v for k, v in fleet._env(work / "lab").items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["XCERT_CACHE_DIR"] = str(work / "cache")
    try:
        up = subprocess.run(
            [str(BIN / "xcert"), "lab", "up", "--hosts", str(hosts)],
            env=env,
            capture_output=True,
            text=True,
            check=False,
            timeout=1800,
        )
        if up.returncode != 0:
            raise PartError(f"xcert lab up --hosts {hosts}: exit {up.returncode}: {up.stderr.strip()[-500:]}")
        yield Path(up.stdout.strip().splitlines()[-1]), env
    finally:
        subprocess.run([str(BIN / "xcert"), "lab", "down"], env=env, capture_output=True, check=False, timeout=600)


# ---------------------------------------------------------------- facts


def measure_facts(hosts: int, repeat: int) -> dict[str, Any]:
    """benchmarks/facts.py's ``measure`` (it builds its own lab and checks every run's exit status)."""
    if not hasattr(facts, "measure"):
        raise PartError("benchmarks/facts.py has no measure(hosts, repeat) (branch cold not merged?)")
    figures: dict[str, Any] = facts.measure(hosts, repeat)
    runs = figures.get("runs")
    if not isinstance(runs, dict) or not {"xcert_warm", "ansible"} <= set(runs):
        raise PartError(f"benchmarks/facts.py measure() returned keys {sorted(figures)}: not the expected shape")
    return {"source": f"{facts.__file__} measure()", **figures}


# ---------------------------------------------------------------- provisioning


def measure_provision(hosts: int, repeat: int) -> dict[str, Any]:
    """benchmarks/provision.py's ``measure`` (it builds its own lab), in this file's shape, its exit statuses checked."""
    provision = _optional("provision")
    if provision is None or not hasattr(provision, "measure"):
        raise PartError("benchmarks/provision.py with measure(hosts, repeat) is missing (branch prov2 not merged?)")
    figures: dict[str, Any] = provision.measure(hosts, repeat)
    out: dict[str, Any] = {"hosts": hosts, "repeat": repeat, "source": f"{provision.__file__} measure()"}
    for theirs, ours in (("ready", "ready"), ("missing", "needs"), ("none", "no_provision")):
        fig = figures[theirs]
        if any(rc not in CERTIFY_OK for rc in fig["rc"]):
            raise PartError(f"certify ({theirs}) ended with exit status {fig['rc']}")
        out[ours] = {"wall": fig["wall_s"], "cpu": fig["cpu_s"], "walls": fig["walls"], "rc": fig["rc"]}
    out["pair_ratio"] = {"ready": figures.get("pair_ratio_ready"), "needs": figures.get("pair_ratio_missing")}
    out["theirs"] = figures  # every figure it measured (its timeline of the runs needing the playbook, its loads)
    return out


# ---------------------------------------------------------------- fleet


def _row(name: str, n: int, f: int, m: fleet.Measured) -> dict[str, Any]:
    return {
        "tool": name,
        "hosts": n,
        "forks": f,
        "wall": m.wall,
        "cpu": m.cpu,
        "peak_mib": m.peak_mib,
        "peak_fds": m.peak_fds,
        "load": list(m.load),
        "rc": m.rc,
    }


def measure_fleet(args: argparse.Namespace, work: Path, plot: Path) -> dict[str, Any]:
    sizes = [int(n) for n in args.hosts.split(",")]
    ns = argparse.Namespace(
        forks=args.forks,
        peer_forks=args.peer_forks,
        repeat=args.repeat,
        repeat_large=1,
        peers="ansible,testinfra",
        stop=args.stop,
    )
    rows: list[fleet.Row] = []
    stopped: list[tuple[str, fleet.Measured, dict[str, tuple[str, float]]]] = []
    t0 = time.monotonic()
    with lab(max(sizes), work) as (inventory, env):
        lab_s = time.monotonic() - t0
        fleet._certify_rows(ns, sizes, work, inventory, env, rows)
        if args.stop and max(sizes) > args.stop:
            stopped = fleet._stopped(ns, sizes, work, inventory, env, rows)
    fleet._plot(rows, plot)
    out_stopped = []
    for label, m, ends in stopped:
        done = [t for what, t in ends.values() if what == "done"]
        out_stopped.append(
            {
                "label": label,
                "hosts": max(sizes),
                "stopped": 0 if label == "all hosts up" else args.stop,
                "wall": m.wall,
                "cpu": m.cpu,
                "rc": m.rc,
                "done": len(done),
                "last_done": max(done, default=0.0),
                "lost": sorted(f"{what}: {t:.1f}" for what, t in ends.values() if what != "done"),
            }
        )
    return {
        "sizes": sizes,
        "forks": args.forks,
        "repeat": args.repeat,
        "lab_up_s": lab_s,
        "plot": str(plot),
        "rows": [_row(*r) for r in rows],
        "stopped": out_stopped,
        "growth": fleet._growth(rows),
    }


# ---------------------------------------------------------------- reports


def measure_reports(checks: int, repeat: int, langs: str, work: Path) -> dict[str, Any]:
    seed = render_reports.real_run(work)
    run = work / "run"
    results = render_reports.grow(seed, run, checks)
    n = sum(len(h["checks"]) for h in results["hosts"])
    sides = (("xcert", "xcert"), ("bare", "bare"), ("bare-fixed", "bare_fixed"))
    raw: dict[str, dict[str, list[dict[str, Any]]]] = {}
    for rep in range(repeat):
        for lang in langs.split(","):
            for mode, key in sides:  # interleaved: xcert, the two peers, next language, next repeat
                dest = work / f"{mode}-{lang}-{rep}.pdf"
                fig = render_reports.run_child(mode, run, lang, dest)
                fig["pages"] = render_reports.pages(Path(fig["pdfs"][0]) if "pdfs" in fig else dest)
                raw.setdefault(lang, {}).setdefault(key, []).append(fig)
    pdf = {
        lang: {
            key: {
                "wall": statistics.median(f["wall"] for f in figs),
                "cpu": statistics.median(f["cpu"] for f in figs),
                "walls": [round(f["wall"], 2) for f in figs],
                "pages": figs[-1]["pages"],
            }
            for key, figs in by.items()
        }
        for lang, by in raw.items()
    }
    html = [render_reports.run_child("html", run, "en", work / "report.en.html") for _ in range(repeat)]
    multi = render_reports.run_child("multi", run, langs, work / "unused")
    return {
        "checks": n,
        "hosts": len(results["hosts"]),
        "repeat": repeat,
        "pdf": pdf,
        "html": {
            "wall": statistics.median(h["wall"] for h in html),
            "cpu": statistics.median(h["cpu"] for h in html),
            "first_in_process": statistics.median(h["first"] for h in html),
        },
        "multi": {"langs": langs, "wall": multi["wall"], "cpu": multi["cpu"], "per_lang": multi["langs"]},
    }


# ---------------------------------------------------------------- CI


def measure_ci(work: Path, runs: int = 2, repo: Path = ROOT, build_arm_root: bool = False) -> dict[str, Any]:
    """``bash scripts/test.sh`` in ``runs`` fresh clones of ``repo`` (its committed HEAD), one after the other.

    ``build_arm_root``: each run builds the arm64 root as a fresh CI machine does (an empty lab cache of its
    own, removed with the clone), instead of finding this machine's cached one.
    """
    out = []
    for i in range(runs):
        # beside the repository, as the checkout CI clones is: the tests read ../shared (refdata, the JUnit XSD)
        # when it is there; and not under the run's 0700 temporary folder: the lab tests' sshd runs as the lab
        # user, who must read the clone's files
        parent = Path(tempfile.mkdtemp(prefix=f"xcert-goals-ci{i}-", dir=repo.parent))
        parent.chmod(0o755)
        clone = parent
        try:
            subprocess.run(
                ["git", "clone", "-q", str(repo), "."], cwd=clone, check=True, capture_output=True, timeout=300
            )
            head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=clone, capture_output=True, text=True,
                                  check=True, timeout=60).stdout.strip()  # fmt: skip
            env = dict(os.environ)
            if build_arm_root:
                env["XCERT_LAB_CACHE"] = str(parent / ".lab-cache")
            m = fleet.Measured(["timeout", "1800", "bash", "scripts/test.sh"], env, clone).run()
        finally:
            shutil.rmtree(parent, ignore_errors=True)
        # every FAILED/ERROR line pytest printed, then the end of the output (its summary line)
        tail = "\n".join([*m.failures, m.tail[-400:]])
        arm = "built" if build_arm_root else "cached"
        out.append({"wall": m.wall, "cpu": m.cpu, "rc": m.rc, "commit": head, "arm_root": arm, "tail": tail})
    return {"runs": out}


def runners(args: argparse.Namespace, work: Path) -> dict[str, Callable[[], dict[str, Any]]]:
    big = min(8, max(int(n) for n in args.hosts.split(",")))
    # a --quick plot is a try, kept outside the repository (and outside the run's temporary folder, removed at the end)
    quick_plot = Path(tempfile.gettempdir()) / "xcert-goals-fleet-quick.png"
    plot = args.plot or (quick_plot if args.quick else ROOT / "benchmarks" / "fleet.png")
    return {
        "facts": lambda: measure_facts(big, args.repeat + 2),
        "provision": lambda: measure_provision(big, args.repeat),
        "fleet": lambda: measure_fleet(args, work / "fleet", plot),
        "reports": lambda: measure_reports(args.checks, max(1, args.repeat // 2), args.langs, work / "reports"),
        "ci": lambda: measure_ci(work / "ci", build_arm_root=args.ci_build_arm_root),
    }


# ---------------------------------------------------------------- details under the table


def _facts_details(f: dict[str, Any]) -> list[str]:
    lines = [
        f"Source: {f.get('source')}; {f.get('repeat')} runs of each tool, interleaved.",
        "",
        "| tool | hosts | median wall s | runs (wall s) | median CPU s |",
        "|---|---|---|---|---|",
    ]
    for name, by in f["runs"].items():
        for n, s in by.items():
            walls = ", ".join(f"{w:.2f}" for w in s.get("walls", []))
            lines.append(f"| {name} | {n} | {s['wall']:.2f} | {walls} | {s['cpu']:.2f} |")
    return lines


def _fleet_details(f: dict[str, Any]) -> list[str]:
    lines = [
        f"Lab of {max(f['sizes'])} hosts up in {f['lab_up_s']:.1f} s; plot: {f['plot']}.",
        "",
        "| tool | hosts | forks | wall s | CPU s per host | peak MiB | load | exit |",
        "|---|---|---|---|---|---|---|---|",
        *[
            f"| {r['tool']} | {r['hosts']} | {r['forks']} | {r['wall']:.2f} | {r['cpu'] / r['hosts']:.2f} | "
            f"{r['peak_mib']:.0f} | {r['load'][0]:.1f}→{r['load'][1]:.1f} | {r['rc']} |"
            for r in f["rows"]
        ],
        "",
        *f["growth"],
    ]
    if f["stopped"]:
        lines += [
            "",
            "| run | wall s | hosts done | last done at s | lost (reason: s) | exit |",
            "|---|---|---|---|---|---|",
            *[
                f"| {s['label']} | {s['wall']:.2f} | {s['done']} | {s['last_done']:.1f} | "
                f"{'; '.join(s['lost'][:4])} | {s['rc']} |"
                for s in f["stopped"]
            ],
        ]
    return lines


def _provision_details(p: dict[str, Any]) -> list[str]:
    return [
        f"Source: {p.get('source')}; {p['hosts']} hosts, forks {p['hosts']}, {p['repeat']} runs of each, in turn.",
        "",
        "| run | median wall s | runs (wall s) | median CPU s |",
        "|---|---|---|---|",
        *[
            f"| {key} | {p[key]['wall']:.2f} | {', '.join(f'{w:.2f}' for w in p[key].get('walls', []))} | "
            f"{p[key]['cpu']:.2f} |"
            for key in ("ready", "needs", "no_provision")
            if key in p
        ],
    ]


def _reports_details(r: dict[str, Any]) -> list[str]:
    lines = ["| lang | side | median wall s | runs | median CPU s | pages |", "|---|---|---|---|---|---|"]
    for lang, sides in r["pdf"].items():
        for key, s in sides.items():
            lines.append(
                f"| {lang} | {key} | {s['wall']:.1f} | {s.get('walls', '')} | {s['cpu']:.1f} | {s.get('pages', '?')} |"
            )
    lines += [
        "",
        f"HTML (en): whole process {r['html']['wall']:.2f} s, first edition in-process "
        f"{r['html'].get('first_in_process', float('nan')):.2f} s. One process for {r['multi']['langs']}: "
        f"{r['multi']['wall']:.1f} s wall, {r['multi']['cpu']:.1f} s CPU.",
    ]
    return lines


def _ci_details(c: dict[str, Any]) -> list[str]:
    return [
        f"- clone {i}: {run['wall']:.0f} s, exit {run['rc']}: `{run['tail'].strip().splitlines()[-1:]}`"
        for i, run in enumerate(c["runs"], 1)
    ]


DETAILS: dict[str, Callable[[dict[str, Any]], list[str]]] = {
    "facts": _facts_details,
    "provision": _provision_details,
    "fleet": _fleet_details,
    "reports": _reports_details,
    "ci": _ci_details,
}
