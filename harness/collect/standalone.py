"""The stdlib-only collector: reads the manifest's files and runs its commands, writes a snapshot.

``xcert collect --print-script`` prints this module and the manifest as one standalone script
(Python 3.5+, standard library only: no f-strings here, annotations are stripped) to copy onto a
target that has no xcert.
"""

from __future__ import annotations

import io
import os
import socket
import subprocess
import sys
import tarfile
import time

from harness.facts.manifest import COMMANDS, FILES, PER_COMMAND_TIMEOUT_S, PROBES  # inlined by collect.script

#: a file larger than this is not read (a real /proc/cpuinfo is well under 1 MiB)
MAX_BYTES = 8 * 1024 * 1024


def read_files(paths: tuple[str, ...] = FILES) -> dict[str, bytes]:
    """The readable files among ``paths``; unreadable or missing ones are left out."""
    out: dict[str, bytes] = {}
    for path in paths:
        try:
            with open(path, "rb") as handle:
                out[path] = handle.read(MAX_BYTES)
        except OSError:
            continue
    return out


def run_commands(commands: dict[str, str] = COMMANDS) -> tuple[dict[str, bytes], dict[str, int]]:
    """Each command's stdout and exit status (127 when it could not start, 124 on timeout)."""
    env = dict(os.environ, LC_ALL="C", PATH=os.environ.get("PATH", "/usr/bin:/bin") + ":/usr/sbin:/sbin")
    outputs: dict[str, bytes] = {}
    rcs: dict[str, int] = {}
    for name, command in commands.items():
        try:
            done = subprocess.run(
                ["sh", "-c", command],
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=subprocess.DEVNULL,
                env=env,
                timeout=PER_COMMAND_TIMEOUT_S,
            )
        except subprocess.TimeoutExpired:
            rcs[name] = 124
            continue
        except OSError:
            rcs[name] = 127
            continue
        outputs[name] = done.stdout[:MAX_BYTES]
        rcs[name] = done.returncode
    return outputs, rcs


def members(
    files: dict[str, bytes],
    outputs: dict[str, bytes],
    rcs: dict[str, int],
    probes: tuple[dict[str, bytes], dict[str, int]] | None = None,
) -> list[tuple[str, bytes]]:
    """Snapshot member names and contents. A fact command that failed is left out (it is unknown);
    a probe keeps its output and, when not 0, its exit status (commands/<name>.rc): a check reads it
    as it would on the host. A probe that timed out or could not start is left out (not captured)."""
    items = [("files/" + path.lstrip("/"), data) for path, data in sorted(files.items())]
    probe_out, probe_rcs = probes or ({}, {})
    items += [
        ("commands/" + name + ".txt", data)
        for name, data in sorted(outputs.items())
        if rcs.get(name) == 0 and name not in probe_out
    ]
    for name, data in sorted(probe_out.items()):
        items.append(("commands/" + name + ".txt", data))
        if probe_rcs.get(name, 0) != 0:
            items.append(("commands/" + name + ".rc", (str(probe_rcs[name]) + "\n").encode("ascii")))
    return items


def write_snapshot(out: str, items: list[tuple[str, bytes]]) -> str:
    """Write a .tar.gz (when ``out`` ends so) or a directory; returns the path written."""
    if out.endswith((".tar.gz", ".tgz")):
        buf = io.BytesIO()
        with tarfile.open(fileobj=buf, mode="w:gz") as tar:
            for name, data in items:
                info = tarfile.TarInfo(name)
                info.size = len(data)
                info.mtime = int(time.time())
                tar.addfile(info, io.BytesIO(data))
        with open(out, "wb") as handle:
            handle.write(buf.getvalue())
        return out
    for name, data in items:
        target = os.path.join(out, *name.split("/"))
        os.makedirs(os.path.dirname(target), exist_ok=True)
        with open(target, "wb") as handle:
            handle.write(data)
    return out


def default_name() -> str:
    host = socket.gethostname().split(".")[0] or "host"
    safe = "".join(c if c.isalnum() or c in "-_" else "_" for c in host)
    # concatenation, not f-strings: the printed script runs on Python 3.5
    return "xcert-snapshot-" + safe + "-" + time.strftime("%Y%m%dT%H%M%S", time.gmtime()) + ".tar.gz"


def collect(out: str | None = None) -> str:
    """Collect this machine's facts into a snapshot; returns its path."""
    files = read_files()
    outputs, rcs = run_commands()
    probe_out, probe_rcs = run_commands(PROBES)
    captured = {name: data for name, data in probe_out.items() if probe_rcs.get(name) != 124}
    return write_snapshot(out or default_name(), members(files, outputs, rcs, (captured, probe_rcs)))


def main(argv: list[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if args[:1] in (["-h"], ["--help"]):
        print("usage: collect [--out FILE.tar.gz|DIR]   (writes an xcert snapshot of this machine)")
        return 0
    out = None
    if args[:1] == ["--out"] and len(args) == 2:
        out = args[1]
    elif args:
        print("collect: error: unexpected arguments: " + " ".join(args), file=sys.stderr)
        return 3
    try:
        print(collect(out))
    except OSError as exc:
        print("collect: error: cannot write the snapshot: " + str(exc), file=sys.stderr)
        return 3
    return 0
