"""Every goal of issue 20 in one run, each beside its peer: "goal | xcert | peer | ratio | goal met?".

    sudo .venv/bin/python benchmarks/goals.py [--quick] [--goals facts,provision,fleet,reports] [--ci]
        [--hosts 1,8,32,64] [--forks 8,16,32] [--json [FILE]]

Parts (each whole processes, side by side, interleaved where the tools can take turns; CPU seconds of the
process tree beside wall seconds; the 1-minute load average before and after each part):
- facts: ``xcert identify`` warm and cold against ``ansible -m setup``, 1 host and 8, and the marginal cost
  per host (benchmarks/facts.py);
- provision: ``xcert certify`` of 8 hosts with provisioning, (a) hosts ready, (b) every host needing the
  playbook, against ``--no-provision``, in turn;
- fleet: certify of 1, 8, 32 and 64 hosts at ``--forks`` 8/16/32 beside ``ansible-playbook`` of the 15
  equivalent tasks and pytest-testinfra of the 15 equivalent tests, then the largest fleet with some hosts
  stopped (benchmarks/fleet.py; the plot goes to benchmarks/fleet.png);
- reports: the N-check PDF (5,000) in en and zh against two bare WeasyPrint tables of the same rows, the HTML
  report, several languages in one process (benchmarks/render_reports.py);
- ci (``--ci`` only, about 20 minutes): ``bash scripts/test.sh`` in two fresh clones of this repository.
Lab parts need root: each builds its own lab in a temporary XCERT_LAB_DIR and takes it down, also when
interrupted. ``--quick`` is the same code with smaller numbers (fewer repeats, 8 hosts at most, 500 checks).
The table and the machine, date, command and loads go to benchmarks/goals_results.md and stdout; ``--json``
prints one JSON object of every figure instead of the table (``--json FILE`` writes it there, the table still
printed); ``--render FILE`` judges and prints the figures of such a JSON object again, measuring nothing.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import resource
import signal
import sys
import tempfile
import time
import traceback
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import goals_lab  # benchmarks/ is a folder of scripts, not a package
import goals_table

ROOT = Path(__file__).resolve().parent.parent
LAB_PARTS = ("facts", "provision", "fleet")
PARTS = ("facts", "provision", "fleet", "reports", "ci")


class Interrupted(BaseException):
    """SIGTERM (e.g. from ``timeout``): labs come down, the parts measured so far are written."""


def _counts(text: str) -> str:
    """A comma-separated list of positive integers (host counts, forks), kept as its text ("" for none)."""
    if text == "":
        return text
    try:
        values = [int(v) for v in text.split(",")]
    except ValueError:
        values = []
    if not values or min(values) < 1 or max(values) > 1024:
        raise argparse.ArgumentTypeError(f"{text!r}: expected positive integers separated by commas, e.g. 1,8")
    return text


def _positive(text: str, least: int = 1) -> int:
    if not text.isdigit() or not least <= int(text) <= 100_000:
        raise argparse.ArgumentTypeError(f"{text!r}: expected an integer of at least {least}")
    return int(text)


def _count(text: str) -> int:
    return _positive(text, least=0)


def _args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="benchmarks/goals.py",
        description=(__doc__ or "").splitlines()[0],
        epilog=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--quick", action="store_true", help="fewer repeats, 8 hosts at most, 500 checks")
    parser.add_argument("--goals", default="facts,provision,fleet,reports", help="which parts to run")
    parser.add_argument("--ci", action="store_true", help="also run scripts/test.sh in two fresh clones (~20 min)")
    parser.add_argument(
        "--ci-build-arm-root",
        action="store_true",
        help="each fresh clone builds the arm64 root, as on a fresh CI machine (not this machine's cached one)",
    )
    parser.add_argument("--hosts", type=_counts, help="fleet sizes (default 1,8,32,64; --quick 1,8)")
    parser.add_argument("--forks", type=_counts, help="fleet forks (default 8,16,32; --quick 8)")
    parser.add_argument(
        "--peer-forks", type=_counts, default="", help="above 8 hosts, run --no-provision and peers only at these"
    )
    parser.add_argument(
        "--stop",
        type=_count,
        metavar="K",
        help="hosts stopped in the largest fleet (default: an eighth, ≥ 2)",
    )
    parser.add_argument("--repeat", type=_positive, help="repeats of each small row (default 5; --quick 2)")
    parser.add_argument("--checks", type=_positive, help="checks in the report (default 5000; --quick 500)")
    parser.add_argument("--langs", default="en,zh", help="report languages, also rendered in one process")
    parser.add_argument(
        "--plot", type=Path, help="fleet plot (default benchmarks/fleet.png; --quick: /tmp/xcert-goals-fleet-quick.png)"
    )
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "goals_results.md")
    parser.add_argument("--json", nargs="?", const="-", metavar="FILE", help="the figures as one JSON object")
    parser.add_argument("--render", type=Path, metavar="JSON", help="judge and print the figures of an earlier --json")
    args = parser.parse_args(argv)
    q = args.quick
    args.hosts = args.hosts or ("1,8" if q else "1,8,32,64")
    args.forks = args.forks or ("8" if q else "8,16,32")
    args.repeat = args.repeat or (2 if q else 5)
    args.checks = args.checks or (500 if q else 5000)
    sizes = [int(n) for n in args.hosts.split(",")]
    if q and max(sizes) > 8:
        parser.error("--quick measures 8 hosts at most")
    args.stop = args.stop if args.stop is not None else max(2, max(sizes) // 8)
    if args.stop and args.stop >= max(sizes) > 1:
        parser.error(f"--stop {args.stop}: at least one of the {max(sizes)} hosts must stay up")
    args.selected = [p for p in args.goals.split(",") if p] + (["ci"] if args.ci else [])
    unknown = sorted(set(args.selected) - set(PARTS))
    if unknown:
        parser.error(f"unknown goal(s) {', '.join(unknown)}: choose from {', '.join(PARTS)}")
    return args


def _machine() -> dict[str, Any]:
    cpu = next(
        (ln.split(":", 1)[1].strip() for ln in Path("/proc/cpuinfo").read_text().splitlines() if "model name" in ln),
        platform.machine(),
    )
    mem = next(
        (int(ln.split()[1]) for ln in Path("/proc/meminfo").read_text().splitlines() if ln.startswith("MemTotal:")), 0
    )
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "memory_gib": round(mem / 2**20, 1),
        "system": f"{platform.system()} {platform.release()}",
        "python": platform.python_version(),
    }


def run_part(name: str, fn: Callable[[], dict[str, Any]]) -> dict[str, Any]:
    """One part's figures, with its wall and CPU seconds and the load before and after; an error is kept."""
    load0, start = os.getloadavg()[0], time.monotonic()
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    figures: dict[str, Any] | None = None
    error: str | None = None
    print(f"goals: {name} (load {load0:.1f}) ...", file=sys.stderr, flush=True)
    try:
        figures = fn()
    except (Exception, SystemExit) as exc:  # a part that fails is reported, the others still run
        error = f"{type(exc).__name__}: {exc}".strip()[-2000:]
        traceback.print_exc(file=sys.stderr)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return {
        "load_before": load0,
        "load_after": os.getloadavg()[0],
        "wall_s": time.monotonic() - start,
        "cpu_s": cpu,
        "error": error,
        "figures": figures,
    }


def document(args: argparse.Namespace, parts: dict[str, dict[str, Any]], argv: list[str]) -> dict[str, Any]:
    goals = goals_table.derive(parts)
    return {
        "schema": "xcert-goals/1",
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "command": " ".join(["sudo .venv/bin/python benchmarks/goals.py", *argv]),
        "quick": bool(args.quick),
        "machine": _machine(),
        "parts": parts,
        "goals": goals_table.as_dicts(goals),
    }


def _last_line(text: str | None) -> str:
    return (text or "").strip().splitlines()[-1:][0].replace("|", "/") if (text or "").strip() else ""


def markdown(doc: dict[str, Any]) -> str:
    goals = [goals_table.Goal(**{k: v for k, v in g.items() if k != "verdict"}) for g in doc["goals"]]
    m, parts = doc["machine"], doc["parts"]
    loads = [x for p in parts.values() for x in (p["load_before"], p["load_after"])]
    shared = max(loads, default=0.0) > goals_table.SHARED_LOAD
    lines = [
        f"## Goals of issue 20, {doc['date'].replace('T', ' ')[:16]} UTC{' (--quick)' if doc['quick'] else ''}",
        "",
        f"`{doc['command']}` on {m['cores']} cores ({m['cpu']}), {m['memory_gib']} GiB, {m['system']}, Python "
        f"{m['python']}. Whole processes, side by side; wall seconds with the CPU seconds of the process tree; ratios "
        "on wall seconds. Lab hosts are network namespaces of this machine, each with its own sshd.",
        "",
    ]
    if shared:
        lines += [
            f"**The machine was shared** (1-minute load average up to {max(loads):.1f}, above "
            f"{goals_table.SHARED_LOAD}): figures are under other work's load; CPU seconds are the steadier "
            "figure then (a process waiting for a core adds wall time, not CPU time).",
            "",
        ]
    lines += [
        *goals_table.table(goals),
        "",
        "| part | wall s | CPU s | load before → after | error |",
        "|---|---|---|---|---|",
    ]
    for name, p in parts.items():
        cpu = "—" if p["cpu_s"] is None else f"{p['cpu_s']:.1f}"
        lines.append(
            f"| {name} | {p['wall_s']:.1f} | {cpu} | {p['load_before']:.1f} → "
            f"{p['load_after']:.1f} | {_last_line(p['error'])} |"
        )
    for name, p in parts.items():
        detail = goals_lab.DETAILS.get(name)
        if detail and p.get("figures"):
            try:
                lines += ["", f"### {name}", "", *detail(p["figures"])]
            except (
                AttributeError,
                KeyError,
                TypeError,
                ValueError,
            ) as exc:  # the table above stands; say what is odd here
                lines += [f"(details unreadable: {type(exc).__name__}: {exc})"]
    return "\n".join(lines) + "\n"


def stop_children(grace: float = 10.0) -> None:
    """Terminate the processes this one started (by pid, the whole tree), killing those still there after grace."""
    import psutil

    children = psutil.Process().children(recursive=True)
    for child in children:
        with contextlib.suppress(psutil.Error):
            child.terminate()
    _, alive = psutil.wait_procs(children, timeout=grace)
    for child in alive:
        with contextlib.suppress(psutil.Error):
            child.kill()


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    args = _args(argv)
    if args.render:  # measures nothing: the figures of an earlier run, judged by this version
        try:
            earlier = json.loads(args.render.read_text(encoding="utf-8"))
            goals_table.validate(earlier)
        except (OSError, ValueError, goals_table.SchemaError) as exc:
            print(f"benchmarks/goals.py: {args.render}: {exc}".splitlines()[0], file=sys.stderr)
            return 3
        earlier["goals"] = goals_table.as_dicts(goals_table.derive(earlier["parts"]))
        print(markdown(earlier))
        return 0
    if os.geteuid() != 0 and set(args.selected) & {*LAB_PARTS, "ci"}:
        print("benchmarks/goals.py: the lab parts (facts, provision, fleet, ci) need root", file=sys.stderr)
        return 3

    def _interrupt(signum: int, _frame: object) -> None:
        stop_children()  # a run still going would outlive its lab and write into the removed folder
        raise Interrupted if signum == signal.SIGTERM else KeyboardInterrupt

    signal.signal(signal.SIGTERM, _interrupt)
    signal.signal(signal.SIGINT, _interrupt)
    parts: dict[str, dict[str, Any]] = {}
    rc = 0
    with tempfile.TemporaryDirectory(prefix="xcert-goals-") as tmp:
        work = Path(tmp)
        runners = goals_lab.runners(args, work)
        load0, start, name = os.getloadavg()[0], time.monotonic(), ""
        try:
            for name in args.selected:
                load0, start = os.getloadavg()[0], time.monotonic()
                parts[name] = run_part(name, runners[name])
        except (KeyboardInterrupt, Interrupted):
            print("goals: interrupted; writing the parts measured so far", file=sys.stderr)
            rc = 130
            if name and name not in parts:  # the part cut short: kept as not measured, its lab already down
                parts[name] = {"load_before": load0, "load_after": os.getloadavg()[0], "wall_s": time.monotonic() - start,
                               "cpu_s": None, "error": "interrupted", "figures": None}  # fmt: skip
    doc = document(args, parts, argv)
    goals_table.validate(doc)
    text = markdown(doc)
    out: Path = args.out
    previous = out.read_text(encoding="utf-8") if out.exists() else "# Issue 20's goals, each beside its peer\n\n"
    out.write_text(previous + text + "\n", encoding="utf-8")
    if args.json == "-":
        print(json.dumps(doc, indent=1, ensure_ascii=False))
        print(text, file=sys.stderr)
    else:
        if args.json:
            Path(args.json).write_text(json.dumps(doc, indent=1, ensure_ascii=False), encoding="utf-8")
        print(text)
    return rc or (1 if any(p["error"] for p in parts.values()) else 0)


if __name__ == "__main__":
    raise SystemExit(main())
