"""The certify run: plan it, run each host's checks in a worker process, build the results.

Hosts run in parallel (``forks`` at once); each worker journals its own decisions, so the run
keeps whatever was decided whatever happens to any one host or to this process.
"""

from __future__ import annotations

import json
import subprocess
import sys
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from harness import TOOL_NAME, __version__
from harness.clock import utc_now_iso
from harness.evidence import slug
from harness.inventory import HostSpec
from harness.paths import catalog_dir, suites_dir
from harness.redact import SecretFilter
from harness.rundir import RunLock, prepare, suite_digest, write_json_atomic

PROFILES = ("quick", "full", "disruptive")
#: a worker (one host) may take this long before it is stopped; its decided checks are kept
WORKER_TIMEOUT_S = 3600.0


@dataclass(frozen=True)
class RunRequest:
    hosts: Sequence[HostSpec]
    profile: str
    out: Path
    forks: int = 5
    langs: tuple[str, ...] = ("en",)
    inventories: tuple[str, ...] = ()
    limit: str | None = None


def host_slugs(hosts: Sequence[HostSpec]) -> list[str]:
    """File-safe, unique names for hosts (unicode or odd host names included)."""
    slugs: list[str] = []
    for i, spec in enumerate(hosts, start=1):
        base = slug(spec.name)
        candidate = base if base == spec.name and base not in slugs else f"{i:03d}-{base}"
        slugs.append(candidate)
    return slugs


def write_run_meta(request: RunRequest, run_id: str) -> dict[str, Any]:
    meta = {
        "schema": "xcert-run/1",
        "run_id": run_id,
        "started": utc_now_iso(),
        "profile": request.profile,
        "forks": request.forks,
        "langs": list(request.langs),
        "inventories": list(request.inventories),
        "limit": request.limit,
        "tool": {
            "name": TOOL_NAME,
            "version": __version__,
            "suite_digest": suite_digest(suites_dir(), catalog_dir()),
        },
        "hosts": [
            dict(spec.public(), slug=s) for spec, s in zip(request.hosts, host_slugs(request.hosts), strict=True)
        ],
    }
    write_json_atomic(request.out / "run.json", meta)
    return meta


def _spec_json(spec: HostSpec) -> str:
    return json.dumps(asdict(spec), ensure_ascii=False)


def run_host(run_dir: Path, spec: HostSpec, host_slug: str, profile: str) -> int:
    """Run one host's worker to its end; its output goes to logs/<slug>.log with secrets masked."""
    logs = run_dir / "logs"
    logs.mkdir(exist_ok=True)
    cmd = [sys.executable, "-m", "harness.worker", str(run_dir), host_slug, profile]
    try:
        proc = subprocess.run(
            cmd, input=_spec_json(spec).encode(), capture_output=True, timeout=WORKER_TIMEOUT_S, check=False
        )
        out, rc = proc.stdout + proc.stderr, proc.returncode
    except subprocess.TimeoutExpired as exc:
        out, rc = (exc.stdout or b"") + (exc.stderr or b"") + b"\nworker timed out\n", -9
    (logs / f"{host_slug}.log").write_bytes(SecretFilter(spec.secrets).data(out))
    return rc


def certify(request: RunRequest, on_tick: Callable[[], None] | None = None) -> Path:
    """Run the checks on every host; returns the run directory (results are built by the caller)."""
    run_dir = prepare(request.out)
    with RunLock(run_dir):
        meta = write_run_meta(request, run_dir.name)
        slugs = [h["slug"] for h in meta["hosts"]]
        done = threading.Event()

        def ticker() -> None:
            while not done.wait(0.2):
                if on_tick:
                    on_tick()

        thread = threading.Thread(target=ticker, daemon=True)
        thread.start()
        try:
            with ThreadPoolExecutor(max_workers=max(1, request.forks)) as pool:
                futures = [
                    pool.submit(run_host, run_dir, spec, s, request.profile)
                    for spec, s in zip(request.hosts, slugs, strict=True)
                ]
                for f in futures:
                    f.result()
        finally:
            done.set()
            thread.join()
            if on_tick:
                on_tick()
        meta["finished"] = utc_now_iso()
        write_json_atomic(run_dir / "run.json", meta)
    return run_dir
