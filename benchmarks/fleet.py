"""Benchmark at fleet scale, whole processes, side by side: ``xcert identify`` against ``ansible -m setup``,
and ``xcert certify`` of 1, 8, 32 and 64 lab hosts against ``ansible-playbook`` of the equivalent tasks and
pytest-testinfra with the equivalent tests, with wall time, controller CPU seconds per host and peak memory
of the whole process tree, and a plot of how each grows. Needs root (it builds its own lab, and removes it).

    sudo .venv/bin/python benchmarks/fleet.py [--hosts 1,8,32,64] [--forks 8,16,32] [--repeat 3] [--repeat-large 1]
                                              [--stop 8]

``--repeat`` runs each xcert row of up to 8 hosts that often (the median is kept), ``--repeat-large`` those of
more hosts. ``--stop K`` also certifies the largest fleet with K of its hosts taken away, half of them lost (sshd
killed: refused) and half hung (sshd stopped: the TCP handshake succeeds, nothing answers), and compares when
the other hosts finished with the same run without them: hosts lost or hung hold up nobody else. The load
average before and after each row is kept, since the machine may be shared. Figures go to
benchmarks/fleet_results.md and benchmarks/fleet.png.
"""

from __future__ import annotations

import argparse
import contextlib
import itertools
import json
import os
import platform
import resource
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent

#: the same 15 facts and checks as xcert's quick profile reads, as Ansible tasks and testinfra tests
COMMANDS = (
    "cat /etc/os-release", "cat /proc/cpuinfo", "uname -m", "uname -r", "lscpu", "getconf PAGESIZE",
    "getconf GNU_LIBC_VERSION", "locale -a", "openssl version", "df -P -k", "ip -o addr show",
    "cat /proc/meminfo", "hostname", "date -u +%s", "cat /sys/kernel/mm/transparent_hugepage/enabled",
)  # fmt: skip


class Measured:
    """Wall time, CPU seconds of the finished process tree, and its peak resident memory (sampled)."""

    def __init__(self, argv: list[str], env: dict[str, str], cwd: Path) -> None:
        self.argv, self.env, self.cwd = argv, env, cwd
        self.wall = self.cpu = 0.0
        self.peak_mib = 0.0
        self.rc = 0
        self.tail = ""
        self.failures: list[str] = []  # pytest's FAILED/ERROR summary lines, wherever they were in the output
        self.peak_fds = 0
        self.load = (0.0, 0.0)

    def run(self) -> Measured:
        load0 = os.getloadavg()[0]
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.monotonic()
        proc = subprocess.Popen(self.argv, env=self.env, cwd=self.cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        done = threading.Event()
        threading.Thread(target=self._watch, args=(proc.pid, done), daemon=True).start()
        out, _ = proc.communicate(timeout=3600)
        done.set()
        self.wall = time.monotonic() - start
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        self.cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
        self.rc = proc.returncode
        text = out.decode("utf-8", "replace")
        self.tail = text[-600:]
        self.failures = [ln for ln in text.splitlines() if ln.startswith(("FAILED ", "ERROR "))][:20]
        self.load = (load0, os.getloadavg()[0])
        return self

    def _watch(self, pid: int, done: threading.Event) -> None:
        try:
            root = psutil.Process(pid)
        except psutil.Error:
            return
        while not done.is_set():
            total = fds = 0
            try:
                for p in [root, *root.children(recursive=True)]:
                    try:
                        total += p.memory_info().rss
                        fds += p.num_fds()
                    except psutil.Error:
                        continue
            except psutil.Error:
                return
            self.peak_mib = max(self.peak_mib, total / 2**20)
            self.peak_fds = max(self.peak_fds, fds)
            time.sleep(0.1)


def _env(lab_dir: Path) -> dict[str, str]:
    return {**os.environ, "XCERT_LAB_DIR": str(lab_dir), "PATH": f"{BIN}:{os.environ.get('PATH', '')}",
            "ANSIBLE_NOCOLOR": "1", "ANSIBLE_HOST_KEY_CHECKING": "True"}  # fmt: skip


def _limit(n: int) -> str:
    return ",".join(f"lab{i}" for i in range(1, n + 1))


def _playbook(work: Path) -> Path:
    tasks = "\n".join(f"    - command: {c}\n      changed_when: false" for c in COMMANDS)
    path = work / "equivalent.yml"
    path.write_text(f"- hosts: all\n  gather_facts: false\n  tasks:\n{tasks}\n", encoding="utf-8")
    return path


def _testinfra(work: Path) -> Path:
    body = "\n\n".join(f"def test_{i}(host):\n    assert host.run({c!r}).rc == 0" for i, c in enumerate(COMMANDS))
    path = work / "test_equivalent.py"
    path.write_text(body + "\n", encoding="utf-8")
    return path


def _median(runs: list[Measured]) -> Measured:
    return sorted(runs, key=lambda m: m.wall)[len(runs) // 2]


Row = tuple[str, int, int, Measured]


def _args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--hosts", default="1,8,32,64")
    parser.add_argument("--forks", default="8,16,32")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each xcert row of up to 8 hosts")
    parser.add_argument("--repeat-large", type=int, default=1, help="runs of each xcert row of more hosts")
    parser.add_argument("--stop", type=int, default=8)
    parser.add_argument("--peers", default="ansible,testinfra", help="which peers to run beside xcert")
    parser.add_argument(
        "--peer-forks", default="", help="above 8 hosts, run --no-provision and the peers only at these forks"
    )
    return parser.parse_args()


def main() -> int:
    args = _args()
    if os.geteuid() != 0:
        print("benchmarks/fleet.py needs root (it builds a lab)", file=sys.stderr)
        return 3
    sizes = [int(n) for n in args.hosts.split(",")]
    work = Path(tempfile.mkdtemp(prefix="xcert-fleet-"))
    env = _env(work / "lab")
    t0 = time.monotonic()
    up = subprocess.run([str(BIN / "xcert"), "lab", "up", "--hosts", str(max(sizes))], env=env, capture_output=True,
                        text=True, check=False, timeout=1800)  # fmt: skip
    if up.returncode != 0:
        print(up.stderr, file=sys.stderr)
        return 1
    lab_s = time.monotonic() - t0
    inventory = Path(up.stdout.strip().splitlines()[-1])
    facts: list[tuple[str, int, Measured]] = []
    rows: list[Row] = []
    stopped: list[tuple[str, Measured, dict[str, tuple[str, float]]]] = []
    # a SIGTERM (timeout) still takes the lab down and writes the rows measured so far
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    try:
        facts += _facts(args, sizes, inventory, env)
        _certify_rows(args, sizes, work, inventory, env, rows)
        if args.stop and max(sizes) > args.stop:
            stopped += _stopped(args, sizes, work, inventory, env, rows)
    finally:
        t0 = time.monotonic()
        subprocess.run([str(BIN / "xcert"), "lab", "down"], env=env, capture_output=True, check=False, timeout=600)
        _write(args, facts, rows, stopped, (max(sizes), lab_s, time.monotonic() - t0))
    return 0


def _facts(
    args: argparse.Namespace, sizes: list[int], inventory: Path, env: dict[str, str]
) -> list[tuple[str, int, Measured]]:
    facts: list[tuple[str, int, Measured]] = []
    for n in (1, 8):
        if n > max(sizes):
            continue
        x = [Measured([str(BIN / "xcert"), "identify", "-i", str(inventory), "--limit", _limit(n), "--json"],
                      env, ROOT).run() for _ in range(args.repeat)]  # fmt: skip
        a = [Measured([str(BIN / "ansible"), "-i", str(inventory), _limit(n), "-f", str(max(n, 5)), "-m", "setup"],
                      env, ROOT).run() for _ in range(args.repeat)]  # fmt: skip
        facts += [("xcert identify", n, _median(x)), ("ansible -m setup", n, _median(a))]
    return facts


def _xcert(inventory: Path, n: int, f: int, out: Path, *extra: str) -> list[str]:
    return [str(BIN / "xcert"), "certify", "-i", str(inventory), "--limit", _limit(n), "--forks", str(f),
            "--out", str(out), "--format", "json", *extra]  # fmt: skip


def _certify_rows(
    args: argparse.Namespace, sizes: list[int], work: Path, inventory: Path, env: dict[str, str], rows: list[Row]
) -> None:
    forks = [int(f) for f in args.forks.split(",")]
    playbook, tests = _playbook(work), _testinfra(work)
    compare = {int(f) for f in (args.peer_forks or args.forks).split(",")}
    for n in sizes:
        repeat = args.repeat if n <= 8 else args.repeat_large
        for f in forks:
            if f > max(n, forks[0]):
                continue
            out = work / f"run-{n}-{f}"  # each repeat its own run directory (a used one would resume)
            m = _median([Measured(_xcert(inventory, n, f, out / str(i)), env, ROOT).run() for i in range(repeat)])
            rows.append(("xcert certify", n, f, m))
            if f not in compare and n > 8:
                continue
            m = _median([Measured(_xcert(inventory, n, f, out / f"np{i}", "--no-provision"), env, ROOT).run()
                         for i in range(repeat)])  # fmt: skip
            rows.append(("xcert certify --no-provision", n, f, m))
            if "ansible" in args.peers:
                rows.append(("ansible-playbook (15 tasks)", n, f, Measured(
                    [str(BIN / "ansible-playbook"), "-i", str(inventory), "-l", _limit(n), "-f", str(f),
                     str(playbook)], env, ROOT).run()))  # fmt: skip
            if "testinfra" in args.peers:
                rows.append(("pytest-testinfra (15 tests)", n, f, Measured(
                    [str(BIN / "pytest"), "-q", "-p", "no:cacheprovider", f"--ansible-inventory={inventory}",
                     "--connection=ansible", f"--hosts={_limit(n)}", "-n", str(f), str(tests)],
                    env, work).run()))  # fmt: skip
            print(f"fleet: {n} hosts, forks {f}: {[f'{r[0]} {r[3].wall:.1f}s' for r in rows if r[1:3] == (n, f)]}",
                  file=sys.stderr, flush=True)  # fmt: skip


def _finish_times(out: Path) -> dict[str, tuple[str, float]]:
    """Each host's end, in seconds after the run started: ("done"|"unreachable <reason>", seconds)."""
    meta = json.loads((out / "run.json").read_text(encoding="utf-8"))
    start = _iso(meta["started"])
    ends: dict[str, tuple[str, float]] = {}
    for journal in sorted((out / "journal").glob("*.jsonl")):
        for line in journal.read_text(encoding="utf-8").splitlines():
            rec = json.loads(line)
            if rec.get("type") == "unreachable":
                ends[journal.stem] = (f"unreachable ({rec.get('reason')})", _iso(rec["time"]) - start)
            elif rec.get("type") == "host_end" and journal.stem not in ends:
                ends[journal.stem] = ("done", _iso(rec["time"]) - start)
    return ends


def _iso(text: str) -> float:
    from datetime import datetime

    return datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp()


def _stopped(
    args: argparse.Namespace, sizes: list[int], work: Path, inventory: Path, env: dict[str, str], rows: list[Row]
) -> list[tuple[str, Measured, dict[str, tuple[str, float]]]]:
    """The largest fleet certified as it is, then with ``--stop`` hosts lost (killed) or hung (stopped)."""
    n, f = max(sizes), max(int(x) for x in args.forks.split(","))
    state = json.loads((work / "lab" / "state.json").read_text())
    victims = state["hosts"][n - args.stop : n]
    previous = next((m for name, rn, rf, m in rows if (name, rn, rf) == ("xcert certify", n, f)), None)
    whole_dir = work / f"run-{n}-{f}" / "0"
    if previous is None or not (whole_dir / "run.json").is_file():
        previous = Measured(_xcert(inventory, n, f, whole_dir), env, ROOT).run()
    whole = previous
    pids = {h["name"]: subprocess.run(["ip", "netns", "pids", h["netns"]], capture_output=True, text=True,
                                      check=False).stdout.split() for h in victims}  # fmt: skip
    hung = [h["name"] for h in victims[: len(victims) // 2]]
    try:
        for name, host_pids in pids.items():  # killed: the address refuses; stopped: it accepts and never answers
            for pid in host_pids:
                os.kill(int(pid), signal.SIGSTOP if name in hung else signal.SIGKILL)
        part = Measured(_xcert(inventory, n, f, work / "run-stopped"), env, ROOT).run()
    finally:
        for name in hung:
            for pid in pids[name]:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(int(pid), signal.SIGCONT)
    return [
        ("all hosts up", whole, _finish_times(whole_dir)),
        (f"{args.stop} stopped ({len(hung)} hung, {args.stop - len(hung)} killed)", part,
         _finish_times(work / "run-stopped")),
    ]  # fmt: skip


def _growth(rows: list[Row]) -> list[str]:
    """Per added host, between consecutive fleet sizes (best forks each): wall s, CPU s and MiB."""
    lines = [
        "| tool | hosts | wall s per added host | CPU s per added host | MiB per added host |",
        "|---|---|---|---|---|",
    ]
    for name in sorted({r[0] for r in rows}):
        best: dict[int, Measured] = {}
        for nm, n, _f, m in rows:
            if nm == name and (n not in best or m.wall < best[n].wall):
                best[n] = m
        ns = sorted(best)
        for a, b in itertools.pairwise(ns):
            d = b - a
            lines.append(f"| {name} | {a}→{b} | {(best[b].wall - best[a].wall) / d:.3f} | "
                         f"{(best[b].cpu - best[a].cpu) / d:.3f} | {(best[b].peak_mib - best[a].peak_mib) / d:.1f} |")  # fmt: skip
    return lines


def _stopped_lines(stopped: list[tuple[str, Measured, dict[str, tuple[str, float]]]]) -> list[str]:
    lines = ["| run | wall s | reachable hosts done | last reachable host done at s | lost hosts (reason: s) | exit |",
             "|---|---|---|---|---|---|"]  # fmt: skip
    for label, m, ends in stopped:
        done = [t for what, t in ends.values() if what == "done"]
        lost = sorted({f"{what}: {t:.1f}" for what, t in ends.values() if what != "done"})
        lines.append(f"| {label} | {m.wall:.2f} | {len(done)} | {max(done, default=0):.1f} | "
                     f"{'; '.join(lost[:3])}{' …' if len(lost) > 3 else ''} | {m.rc} |")  # fmt: skip
    return lines


def _write(
    args: argparse.Namespace,
    facts: list[tuple[str, int, Measured]],
    rows: list[Row],
    stopped: list[tuple[str, Measured, dict[str, tuple[str, float]]]],
    lab: tuple[int, float, float],
) -> None:
    cpu = next((ln.split(":", 1)[1].strip() for ln in Path("/proc/cpuinfo").read_text().splitlines()
                if "model name" in ln), platform.machine())  # fmt: skip
    cmd = "sudo .venv/bin/python benchmarks/fleet.py " + " ".join(
        f"--{k} {v}"
        for k, v in (("hosts", args.hosts), ("forks", args.forks), ("repeat", args.repeat),
                     ("repeat-large", args.repeat_large), ("stop", args.stop), ("peers", args.peers), ("peer-forks", args.peer_forks or args.forks))
    )  # fmt: skip
    lines = [
        f"## Fleet ({time.strftime('%Y-%m-%d %H:%M', time.gmtime())} UTC)", "",
        f"`{cmd}` on {os.cpu_count()} cores ({cpu}), {platform.system()} {platform.release()}; lab hosts are network",
        "namespaces of this machine with their own sshd. Whole processes; medians of the repeats for xcert.",
        f"The lab of {lab[0]} hosts was built in {lab[1]:.1f} s and removed in {lab[2]:.1f} s. Load average (1 min)",
        "before → after each row: the",
        "machine may have been shared.", "",
        "| tool | hosts | wall s | CPU s per host | peak MiB | exit |", "|---|---|---|---|---|---|",
        *[f"| {name} | {n} | {m.wall:.2f} | {m.cpu / n:.2f} | {m.peak_mib:.0f} | {m.rc} |" for name, n, m in facts],
        "", "| tool | hosts | forks | wall s | CPU s per host | peak MiB | peak fds | load | exit |",
        "|---|---|---|---|---|---|---|---|---|",
        *[f"| {name} | {n} | {f} | {m.wall:.2f} | {m.cpu / n:.2f} | {m.peak_mib:.0f} | {m.peak_fds} | "
          f"{m.load[0]:.1f}→{m.load[1]:.1f} | {m.rc} |" for name, n, f, m in rows],
        "", *_growth(rows), "",
    ]  # fmt: skip
    if stopped:
        lines += [*_stopped_lines(stopped), ""]
    lines += _goals(facts, rows)
    text = "\n".join(lines) + "\n"
    print(text)
    out = ROOT / "benchmarks" / "fleet_results.md"
    with out.open("a", encoding="utf-8") as fh:
        fh.write(text + "\n")
    _plot(rows, ROOT / "benchmarks" / "fleet.png")


def _goals(facts: list[tuple[str, int, Measured]], rows: list[Row]) -> list[str]:
    lines: list[str] = []
    by = {(name, n): m for name, n, m in facts}
    for n in (1, 8):
        x, a = by.get(("xcert identify", n)), by.get(("ansible -m setup", n))
        if x and a:
            lines.append(
                f"- facts for {n} host(s): xcert {x.wall:.2f} s, ansible {a.wall:.2f} s: **{a.wall / x.wall:.1f}×**"
            )
    if by.get(("xcert identify", 1)) and by.get(("xcert identify", 8)):
        xm = (by["xcert identify", 8].wall - by["xcert identify", 1].wall) / 7
        am = (by["ansible -m setup", 8].wall - by["ansible -m setup", 1].wall) / 7
        lines.append(f"- marginal cost per host: xcert {xm:.3f} s, ansible {am:.3f} s ({xm / am:.2f} of Ansible's)")
    walls = {(name, n, f): m.wall for name, n, f, m in rows}
    for n, f in sorted({(n, f) for _, n, f, _ in rows}):
        with_p, without = walls.get(("xcert certify", n, f)), walls.get(("xcert certify --no-provision", n, f))
        if with_p and without:
            lines.append(f"- certify of {n} host(s), forks {f}: {with_p:.2f} s with provisioning, {without:.2f} s "
                         f"without: **{with_p / without:.2f}×** (goal ≤ 1.3× for 8 hosts)")  # fmt: skip
    return lines


def _plot(rows: list[tuple[str, int, int, Measured]], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot as plt

    fig, axes = plt.subplots(1, 3, figsize=(13, 4), dpi=100)
    names = sorted({name for name, *_ in rows if "stopped" not in name})
    for name in names:
        best: dict[int, Measured] = {}
        for nm, n, _f, m in rows:
            if nm == name and (n not in best or m.wall < best[n].wall):
                best[n] = m
        xs = sorted(best)
        values = ([best[n].wall for n in xs], [best[n].cpu / n for n in xs], [best[n].peak_mib for n in xs])
        for ax, ys in zip(axes, values, strict=True):
            ax.plot(xs, ys, marker="o", label=name)
    for ax, label in zip(axes, ("wall s", "controller CPU s per host", "peak MiB"), strict=True):
        ax.set_xlabel("hosts")
        ax.set_ylabel(label)
        ax.grid(True, lw=0.3)
    axes[0].legend(fontsize=7)
    fig.suptitle("xcert certify against its peers, by number of hosts (best forks each)")
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)
    print(path)


if __name__ == "__main__":
    raise SystemExit(main())
