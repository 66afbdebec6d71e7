"""Benchmark at fleet scale, whole processes, side by side: ``xcert identify`` against ``ansible -m setup``,
and ``xcert certify`` of 1, 8, 32 and 64 lab hosts against ``ansible-playbook`` of the equivalent tasks and
pytest-testinfra with the equivalent tests, with wall time, controller CPU seconds per host and peak memory
of the whole process tree, and a plot of how each grows. Needs root (it builds its own lab, and removes it).

    sudo .venv/bin/python benchmarks/fleet.py [--hosts 1,8,32,64] [--forks 8,16,32] [--repeat 3] [--stop 4]

``--stop K`` also certifies the largest fleet with K of its hosts' sshd stopped, to show that hosts lost
or hung hold up nobody else. Figures go to benchmarks/fleet_results.md and benchmarks/fleet.png.
"""

from __future__ import annotations

import argparse
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

    def run(self) -> Measured:
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
        self.tail = out.decode("utf-8", "replace")[-600:]
        return self

    def _watch(self, pid: int, done: threading.Event) -> None:
        try:
            root = psutil.Process(pid)
        except psutil.Error:
            return
        while not done.is_set():
            total = 0
            try:
                for p in [root, *root.children(recursive=True)]:
                    try:
                        total += p.memory_info().rss
                    except psutil.Error:
                        continue
            except psutil.Error:
                return
            self.peak_mib = max(self.peak_mib, total / 2**20)
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


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--hosts", default="1,8,32,64")
    parser.add_argument("--forks", default="8,16,32")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--stop", type=int, default=4)
    parser.add_argument("--peers", default="ansible,testinfra", help="which peers to run beside xcert")
    args = parser.parse_args()
    if os.geteuid() != 0:
        print("benchmarks/fleet.py needs root (it builds a lab)", file=sys.stderr)
        return 3
    sizes = [int(n) for n in args.hosts.split(",")]
    forks = [int(f) for f in args.forks.split(",")]
    work = Path(tempfile.mkdtemp(prefix="xcert-fleet-"))
    env = _env(work / "lab")
    up = subprocess.run([str(BIN / "xcert"), "lab", "up", "--hosts", str(max(sizes))], env=env, capture_output=True,
                        text=True, check=False, timeout=1800)  # fmt: skip
    if up.returncode != 0:
        print(up.stderr, file=sys.stderr)
        return 1
    inventory = Path(up.stdout.strip().splitlines()[-1])
    rows: list[tuple[str, int, int, Measured]] = []
    facts: list[tuple[str, int, Measured]] = []
    try:
        for n in (1, 8):
            if n > max(sizes):
                continue
            x = [Measured([str(BIN / "xcert"), "identify", "-i", str(inventory), "--limit", _limit(n), "--json"],
                          env, ROOT).run() for _ in range(args.repeat)]  # fmt: skip
            a = [Measured([str(BIN / "ansible"), "-i", str(inventory), _limit(n), "-f", str(max(n, 5)), "-m", "setup"],
                          env, ROOT).run() for _ in range(args.repeat)]  # fmt: skip
            facts += [("xcert identify", n, _median(x)), ("ansible -m setup", n, _median(a))]
        playbook, tests = _playbook(work), _testinfra(work)
        for n in sizes:
            for f in forks:
                if f > max(n, forks[0]):
                    continue
                out = work / f"run-{n}-{f}"
                m = _median([Measured([str(BIN / "xcert"), "certify", "-i", str(inventory), "--limit", _limit(n),
                                       "--forks", str(f), "--out", str(out), "--format", "json"], env, ROOT).run()
                             for _ in range(args.repeat)])  # fmt: skip
                rows.append(("xcert certify", n, f, m))
                m = _median([Measured([str(BIN / "xcert"), "certify", "-i", str(inventory), "--limit", _limit(n),
                                       "--forks", str(f), "--no-provision", "--out", str(out) + "-np",
                                       "--format", "json"], env, ROOT).run() for _ in range(args.repeat)])  # fmt: skip
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
        if args.stop and max(sizes) > args.stop:
            n = max(sizes)
            state = json.loads((work / "lab" / "state.json").read_text())
            victims = [h for h in state["hosts"]][-args.stop :]
            for h in victims:  # sshd gone: the address answers with a refusal
                for pid in subprocess.run(["ip", "netns", "pids", h["netns"]], capture_output=True, text=True,
                                          check=False).stdout.split():  # fmt: skip
                    os.kill(int(pid), signal.SIGKILL)
            out = work / "run-stopped"
            m = Measured([str(BIN / "xcert"), "certify", "-i", str(inventory), "--limit", _limit(n),
                          "--forks", str(max(forks)), "--no-provision", "--out", str(out), "--format", "json"],
                         env, ROOT).run()  # fmt: skip
            rows.append((f"xcert certify --no-provision, {args.stop} hosts stopped", n, max(forks), m))
    finally:
        subprocess.run([str(BIN / "xcert"), "lab", "down"], env=env, capture_output=True, check=False, timeout=600)
    _write(args, facts, rows)
    return 0


def _write(
    args: argparse.Namespace, facts: list[tuple[str, int, Measured]], rows: list[tuple[str, int, int, Measured]]
) -> None:
    cpu = next((ln.split(":", 1)[1].strip() for ln in Path("/proc/cpuinfo").read_text().splitlines()
                if "model name" in ln), platform.machine())  # fmt: skip
    cmd = "sudo .venv/bin/python benchmarks/fleet.py " + " ".join(
        f"--{k} {v}"
        for k, v in (("hosts", args.hosts), ("forks", args.forks), ("repeat", args.repeat), ("stop", args.stop))
    )
    lines = [
        f"## Fleet ({time.strftime('%Y-%m-%d %H:%M', time.gmtime())} UTC)", "",
        f"`{cmd}` on {os.cpu_count()} cores ({cpu}), {platform.system()} {platform.release()}; lab hosts are network",
        "namespaces of this machine with their own sshd. Whole processes; medians of the repeats for xcert.", "",
        "| tool | hosts | wall s | CPU s per host | peak MiB | exit |", "|---|---|---|---|---|---|",
        *[f"| {name} | {n} | {m.wall:.2f} | {m.cpu / n:.2f} | {m.peak_mib:.0f} | {m.rc} |" for name, n, m in facts],
        "", "| tool | hosts | forks | wall s | CPU s per host | peak MiB | exit |", "|---|---|---|---|---|---|---|",
        *[f"| {name} | {n} | {f} | {m.wall:.2f} | {m.cpu / n:.2f} | {m.peak_mib:.0f} | {m.rc} |" for name, n, f, m in rows],
        "",
    ]  # fmt: skip
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
    text = "\n".join(lines) + "\n"
    print(text)
    out = ROOT / "benchmarks" / "fleet_results.md"
    with out.open("a", encoding="utf-8") as fh:
        fh.write(text + "\n")
    _plot(rows, ROOT / "benchmarks" / "fleet.png")


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
        for ax, value in zip(axes, (lambda m: m.wall, lambda m: m.cpu, lambda m: m.peak_mib), strict=True):
            ax.plot(xs, [value(best[n]) for n in xs], marker="o", label=name)
    for ax, label in zip(axes, ("wall s", "controller CPU s", "peak MiB"), strict=True):
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
