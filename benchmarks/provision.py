"""Provisioning's cost, whole processes, side by side: ``xcert certify`` of 8 lab hosts with provisioning against
``--no-provision`` (issue 20 item 2: with provisioning at most 1.3x the time without).

    sudo .venv/bin/python benchmarks/provision.py [--hosts 8] [--repeat 3] [--forks 8] [--json]

Three kinds of run, interleaved (one of each in turn, so a machine shared with others loads each alike):

- ``ready``: the lab hosts have every tool; the readiness command finds them and makes each working directory,
  ansible-runner is skipped (journaled "skipped: found ...");
- ``missing``: each host's ``xc_workdir`` lies under a parent that does not exist (the readiness command never
  makes parents), so every host goes to the prepare playbook through ansible-runner (one job, ``--forks`` at
  once); after its checks the directory the playbook made is removed; the parents are removed after each run;
- ``none``: ``--no-provision``.

For each it prints the median wall and CPU seconds (the whole process tree: ``RUSAGE_CHILDREN``), and the two
ratios against the goal. From the ``missing`` runs' ansible-runner job events it also prints where provisioning's
time went: run start to the prepare playbook's start, the prepare play, and the tail
(from the last worker's end to the end of the run). It builds its own lab (needs root, ``XCERT_LAB_DIR`` in a
temporary directory) and removes it. ``measure(hosts, repeat)`` returns the figures as a dict (benchmarks/goals.py).
"""

from __future__ import annotations

import argparse
import contextlib
import datetime
import json
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
GOAL = 1.3
KINDS = ("ready", "missing", "none")


def _run(argv: list[str], env: dict[str, str]) -> dict[str, Any]:
    """Wall seconds, CPU seconds of the process tree, exit status and load average around one run."""
    load0 = os.getloadavg()[0]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.monotonic()
    proc = subprocess.run(argv, env=env, cwd=ROOT, capture_output=True, check=False, timeout=1200)
    wall = time.monotonic() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return {"wall": wall, "cpu": cpu, "rc": proc.returncode, "load": [load0, os.getloadavg()[0]],
            "tail": proc.stderr.decode("utf-8", "replace")[-400:]}  # fmt: skip


def _ts(text: str) -> float:
    return datetime.datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp()


def _events(job: Path) -> list[dict[str, Any]]:
    events = [json.loads(p.read_text(encoding="utf-8")) for p in job.glob("artifacts/*/job_events/*.json")]
    return sorted(events, key=lambda e: int(e.get("counter", 0)))


def _span(events: list[dict[str, Any]]) -> tuple[float, float] | None:
    marks = {
        e["event"]: _ts(e["created"]) for e in events if e.get("event") in ("playbook_on_start", "playbook_on_stats")
    }
    if "playbook_on_start" not in marks:
        return None
    return marks["playbook_on_start"], marks.get("playbook_on_stats", marks["playbook_on_start"])


def timeline(out: Path) -> dict[str, float]:
    """Where a run's provisioning time went, in seconds from the run's start (its job events and journals)."""
    meta = json.loads((out / "run.json").read_text(encoding="utf-8"))
    t0, end = _ts(meta["started"]), _ts(meta.get("finished") or meta["started"])
    found: dict[str, float] = {"run_s": end - t0}
    for job in sorted((out / "provision").glob(".job-*")):
        action = job.name.split("-")[1]  # .job-<action>-<n>
        span = _span(_events(job))
        if span is None:
            continue
        found[f"{action}_start_s"] = min(found.get(f"{action}_start_s", 1e9), span[0] - t0)
        found[f"{action}_end_s"] = max(found.get(f"{action}_end_s", 0.0), span[1] - t0)
    ends = []
    for journal in (out / "journal").glob("*.jsonl"):
        records = [json.loads(line) for line in journal.read_text(encoding="utf-8").splitlines()]
        ends += [_ts(r["time"]) - t0 for r in records if r.get("type") == "host_end"]
    if ends:
        found["last_worker_end_s"] = max(ends)
        found["tail_s"] = found["run_s"] - found["last_worker_end_s"]
    return {k: round(v, 2) for k, v in found.items()}


@contextlib.contextmanager
def _lab(hosts: int) -> Iterator[tuple[Path, dict[str, str]]]:
    work = Path(tempfile.mkdtemp(prefix="xcert-provbench-"))
    env = {**os.environ, "XCERT_LAB_DIR": str(work / "lab"), "PATH": f"{BIN}:{os.environ.get('PATH', '')}"}
    try:
        up = subprocess.run([str(BIN / "xcert"), "lab", "up", "--hosts", str(hosts)], env=env, capture_output=True,
                            text=True, check=False, timeout=900)  # fmt: skip
        if up.returncode != 0:
            raise RuntimeError(f"xcert lab up failed: {up.stderr.strip()[-400:]}")
        yield Path(up.stdout.strip().splitlines()[-1]), env
    finally:
        subprocess.run([str(BIN / "xcert"), "lab", "down"], env=env, capture_output=True, check=False, timeout=600)
        shutil.rmtree(work, ignore_errors=True)


def _missing_inventory(inventory: Path, parents: Path) -> Path:
    """The lab's inventory with each host's working directory under a parent that does not exist."""
    data = yaml.safe_load(inventory.read_text(encoding="utf-8"))
    for name, host in data["all"]["children"]["xcert_lab"]["hosts"].items():
        host["xc_workdir"] = str(parents / name / "work")
    path = inventory.with_name("inventory-missing.yml")
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    return path


def _median(runs: list[dict[str, Any]], key: str) -> float:
    return round(float(statistics.median(float(r[key]) for r in runs)), 2)


def measure(hosts: int = 8, repeat: int = 3, forks: int = 8) -> dict[str, Any]:
    """Build a lab of ``hosts``, run the three kinds ``repeat`` times interleaved, and return the figures."""
    runs: dict[str, list[dict[str, Any]]] = {k: [] for k in KINDS}
    lines: list[dict[str, float]] = []
    with _lab(hosts) as (inventory, env):
        parents = inventory.parent / "missing-parents"
        missing = _missing_inventory(inventory, parents)
        scratch = inventory.parent / "runs"
        for i in range(repeat):
            for kind in KINDS:
                out = scratch / f"{kind}-{i}"
                inv, extra = (missing, []) if kind == "missing" else (inventory, ["--no-provision"] * (kind == "none"))
                argv = [str(BIN / "xcert"), "certify", "-i", str(inv), "--forks", str(forks), "--out", str(out),
                        "--format", "json", *extra]  # fmt: skip
                runs[kind].append(_run(argv, env))
                if kind == "missing":
                    lines.append(timeline(out))
                    shutil.rmtree(parents, ignore_errors=True)  # cleanup removes the directory, not its parents
                shutil.rmtree(out, ignore_errors=True)
    figures: dict[str, Any] = {"hosts": hosts, "forks": forks, "repeat": repeat, "goal": GOAL}
    for kind in KINDS:
        figures[kind] = {"wall_s": _median(runs[kind], "wall"), "cpu_s": _median(runs[kind], "cpu"),
                         "walls": [round(r["wall"], 2) for r in runs[kind]],
                         "rc": sorted({r["rc"] for r in runs[kind]})}  # fmt: skip
    base = figures["none"]["wall_s"] or 1.0
    figures["ratio_ready"] = round(figures["ready"]["wall_s"] / base, 2)
    figures["ratio_missing"] = round(figures["missing"]["wall_s"] / base, 2)
    figures["cpu_ratio_missing"] = round(figures["missing"]["cpu_s"] / (figures["none"]["cpu_s"] or 1.0), 2)
    # each run beside the --no-provision run of its round (same load): the median of those ratios
    for kind in ("ready", "missing"):
        pairs = [a["wall"] / b["wall"] for a, b in zip(runs[kind], runs["none"], strict=True) if b["wall"]]
        figures[f"pair_ratios_{kind}"] = [round(r, 2) for r in pairs]
        figures[f"pair_ratio_{kind}"] = round(statistics.median(pairs), 2) if pairs else None
    keys = sorted({k for line in lines for k in line})
    figures["missing_timeline"] = {k: round(statistics.median(x[k] for x in lines if k in x), 2) for k in keys}
    loads = [x for kind in KINDS for r in runs[kind] for x in r["load"]]
    figures["load"] = [round(min(loads), 1), round(statistics.median(loads), 1), round(max(loads), 1)]
    figures["machine"] = (
        f"{os.cpu_count()} cores, {platform.processor() or platform.machine()}, Linux {platform.release()}"
    )
    return figures


def report(f: dict[str, Any]) -> str:
    labels = {"ready": "with provisioning, hosts ready (ansible-runner skipped)",
              "missing": "with provisioning, every host needs the playbook", "none": "--no-provision"}  # fmt: skip
    rows = [f"| {labels[k]} | {', '.join(map(str, f[k]['walls']))} | {f[k]['wall_s']} | {f[k]['cpu_s']} | {f[k]['rc']} |"
            for k in KINDS]  # fmt: skip
    t = f["missing_timeline"]
    return "\n".join([
        f"{f['hosts']} lab hosts, --forks {f['forks']}, {f['repeat']} interleaved runs of each; {f['machine']}; "
        f"load average (1 min) min/median/max {f['load'][0]}/{f['load'][1]}/{f['load'][2]}",
        "",
        "| run | wall s | median wall s | median CPU s | exit |",
        "|---|---|---|---|---|",
        *rows,
        "",
        f"- hosts ready: {f['ready']['wall_s']} s against {f['none']['wall_s']} s: **{f['ratio_ready']}x** (goal <= {GOAL}x);"
        f" run by run beside the --no-provision run of its round: {f['pair_ratios_ready']}, median {f['pair_ratio_ready']}x",
        f"- every host needs the playbook: {f['missing']['wall_s']} s against {f['none']['wall_s']} s: "
        f"**{f['ratio_missing']}x** (goal <= {GOAL}x); CPU {f['cpu_ratio_missing']}x; run by run: "
        f"{f['pair_ratios_missing']}, median {f['pair_ratio_missing']}x",
        "- every host needs the playbook, medians in s from the run's start: "
        + ", ".join(f"{k} {v}" for k, v in t.items()),
    ])  # fmt: skip


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--hosts", type=int, default=8)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--forks", type=int, default=8)
    parser.add_argument("--json", action="store_true", help="print the figures as one JSON object")
    args = parser.parse_args()
    if os.geteuid() != 0:
        print("benchmarks/provision.py needs root (it builds a lab)", file=sys.stderr)
        return 3
    figures = measure(args.hosts, args.repeat, args.forks)
    print(json.dumps(figures) if args.json else report(figures))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
