"""The certify run: plan it, run each host's checks in a worker process, build the results.

Hosts run in parallel (``forks`` at once); each worker journals its own decisions, so the run
keeps whatever was decided whatever happens to any one host or to this process.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import json
import os
import signal
import subprocess
import threading
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from harness import TOOL_NAME, __version__, prestart
from harness.clock import utc_now_iso
from harness.errors import RunDirError, RunDirWriteError
from harness.evidence import slug
from harness.inventory import HostSpec
from harness.paths import catalog_dir, suites_dir
from harness.prestart import Prestarted
from harness.provision.fleet import Provisioner
from harness.provision.seen import SEEN_LOST_ENV
from harness.provision.steps import ProvisionSettings
from harness.redact import SecretFilter
from harness.rundir import RUN_ID, RunLock, inside, load_run_meta, new_run_id, prepare, suite_digest, write_json_atomic
from harness.runinput import check_run
from harness.transport.base import HostUnreachable
from harness.usersuite.stage import SuiteSource
from harness.usersuite.stage import restage as restage_user_suites
from harness.usersuite.stage import stage as stage_user_suites

PROFILES = ("quick", "full", "disruptive")
#: a worker (one host) may take this long before it is stopped; its decided checks are kept
WORKER_TIMEOUT_S = 3600.0
#: a worker past its time gets this long to abort its check and clean up before its session is killed
WORKER_GRACE_S = 20.0


@dataclass(frozen=True)
class RunRequest:
    hosts: Sequence[HostSpec]
    profile: str
    out: Path
    forks: int = 5
    langs: tuple[str, ...] = ("en",)
    inventories: tuple[str, ...] = ()
    limit: str | None = None
    #: prepare/clean up each ssh host with the shipped playbooks (None or disabled: --no-provision)
    provision: ProvisionSettings | None = None
    #: -k / -m / --check (harness.selection): a partial selection is recorded and never CERTIFIED
    selection: Mapping[str, Any] = field(default_factory=dict)
    #: --suite folders, validated (harness.usersuite.stage): copied into the run, run beside the checks
    user_suites: tuple[SuiteSource, ...] = ()


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
        **({"selection": dict(request.selection)} if request.selection else {}),
        **stage_user_suites(request.out, request.user_suites),
        "inventory_digest": inventory_digest(request.hosts),
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


def inventory_digest(hosts: Sequence[HostSpec]) -> str:
    """What the inventory asks, without secrets: resume refuses when this changed."""
    public = sorted(json.dumps(h.public(), sort_keys=True, ensure_ascii=False) for h in hosts)
    return "sha256:" + hashlib.sha256("\n".join(public).encode()).hexdigest()


class Interrupts:
    """First Ctrl-C or SIGTERM: finish the checks in flight, start nothing new. Second: abort them."""

    def __init__(self) -> None:
        self.level = 0
        self.lock = threading.Lock()
        self.workers: dict[str, subprocess.Popen[bytes]] = {}
        #: where writing the run directory failed during the run
        self.write_errors: list[str] = []

    def handle(self, signum: int, _frame: object) -> None:
        with self.lock:
            self.level += 1
            live = list(self.workers.values())
        for proc in live:
            with contextlib.suppress(ProcessLookupError):
                # workers run in sessions of their own: only we forward the interrupt to them
                proc.send_signal(signal.SIGUSR1 if self.level == 1 else signal.SIGTERM)

    @contextlib.contextmanager
    def installed(self) -> Iterator[Interrupts]:
        if threading.current_thread() is not threading.main_thread():
            yield self
            return
        previous = {sig: signal.signal(sig, self.handle) for sig in (signal.SIGINT, signal.SIGTERM)}
        try:
            yield self
        finally:
            for sig, handler in previous.items():
                signal.signal(sig, handler)


def _stop_worker(proc: subprocess.Popen[bytes]) -> bytes:
    """Stop a worker that ran past its time: SIGTERM first, so it aborts its check and the transports
    kill what the check started (on the target too); its whole session is killed if it does not end."""
    with contextlib.suppress(ProcessLookupError):
        proc.terminate()
    try:
        out, _ = proc.communicate(timeout=WORKER_GRACE_S)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)  # the worker runs in a session (and group) of its own
        out, _ = proc.communicate()
    return out or b""


def run_host(
    run_dir: Path,
    spec: HostSpec,
    host_slug: str,
    profile: str,
    interrupts: Interrupts | None = None,
    seen_lost: HostUnreachable | None = None,
    held: subprocess.Popen[bytes] | None = None,
) -> int | None:
    """Run one host's worker to its end; its output goes to logs/<slug>.log with secrets masked.

    ``seen_lost``: the host did not answer the readiness command in its time; the worker reports it
    lost with that reason rather than wait out the same timeout again (harness.pytest_plugin.run).
    ``held``: the host's worker, started while its host was provisioned (harness.prestart), waiting for its spec.
    Returns the worker's exit code, or None when an interrupt came before the host was started.
    """
    interrupts = interrupts or Interrupts()
    logs = run_dir / "logs"
    logs.mkdir(exist_ok=True)
    with interrupts.lock:
        if interrupts.level:
            if held is not None:
                prestart.kill(held)
            return None
        proc = held or prestart.spawn(run_dir, host_slug, profile, seen_lost_env(seen_lost))
        interrupts.workers[host_slug] = proc
    try:
        out, _ = proc.communicate(input=_spec_json(spec).encode(), timeout=WORKER_TIMEOUT_S)
    except subprocess.TimeoutExpired:
        out = _stop_worker(proc) + b"\nworker timed out\n"
    finally:
        with interrupts.lock:
            interrupts.workers.pop(host_slug, None)
    log = logs / f"{host_slug}.log"
    try:
        if logs.is_symlink() or not inside(run_dir, logs):
            raise OSError(errno.ELOOP, "the logs folder leads outside the run directory", str(logs))
        # never through a link planted at the log's name
        fd = os.open(log, os.O_WRONLY | os.O_APPEND | os.O_CREAT | os.O_NOFOLLOW, 0o644)
        with os.fdopen(fd, "ab") as fh:
            fh.write(SecretFilter(spec.secrets).data(out))
    except OSError as exc:
        interrupts.write_errors.append(f"{log}: {exc.strerror}")
    if proc.returncode != 0 and b"No space left on device" in out:
        interrupts.write_errors.append(f"{run_dir / 'journal' / (host_slug + '.jsonl')}: No space left on device")
    return proc.returncode


def seen_lost_env(seen: HostUnreachable | None) -> dict[str, str] | None:
    """The worker's environment: ours, and what the readiness command met on a host that did not answer."""
    if seen is None:
        return None
    return {**os.environ, SEEN_LOST_ENV: json.dumps({"reason": seen.reason, "detail": seen.detail})}


def run_provisioned_host(
    run_dir: Path,
    spec: HostSpec,
    host_slug: str,
    profile: str,
    interrupts: Interrupts,
    provisioner: Provisioner,
    prestarted: Prestarted | None = None,
) -> int | None:
    """Run the host's worker (its provisioning decided before), then remove the working directory the run made."""
    held = prestarted.take(host_slug) if prestarted is not None else None
    rc = run_host(run_dir, spec, host_slug, profile, interrupts, provisioner.seen_lost(host_slug), held)
    if rc is not None:
        provisioner.after_worker(spec, host_slug)
    return rc


def run_hosts(request: RunRequest, run_dir: Path, interrupts: Interrupts) -> None:
    """Every host's worker, ``forks`` at once, each started as soon as its provisioning is decided."""
    prestarted = Prestarted(run_dir, request.profile, request.forks)
    provisioner = Provisioner(
        run_dir, request.provision, request.forks, lambda: interrupts.level > 0, lambda: interrupts.level > 1,
        hold=prestarted.start,
    )  # fmt: skip
    futures: list[Future[int | None]] = []
    try:
        with ThreadPoolExecutor(max_workers=max(1, request.forks)) as pool:

            def start(spec: HostSpec, host_slug: str) -> None:
                args = (run_dir, spec, host_slug, request.profile, interrupts, provisioner, prestarted)
                futures.append(pool.submit(run_provisioned_host, *args))

            provisioner.prepare(list(zip(request.hosts, host_slugs(request.hosts), strict=True)), start)
            for f in list(futures):
                f.result()
    finally:
        prestarted.close()
    provisioner.cleanup()


def run_cross_host(run_dir: Path, hosts: Sequence[HostSpec], meta: dict[str, Any], interrupts: Interrupts) -> None:
    """Cross-host checks, once every host worker is done, when the inventory gives hosts a role."""
    from harness.bundles import integration

    with interrupts.lock:
        if interrupts.level:
            return
    integration.start(run_dir, hosts, meta, interrupts.workers)


def check_resumable(meta: dict[str, Any], request: RunRequest) -> None:
    """Resume only the run that was asked: same inventory, profile and checks."""
    run = request.out
    if meta.get("inventory_digest") != inventory_digest(request.hosts):
        raise RunDirError(f"{run}: cannot resume: the inventory changed since the run started")
    if meta.get("profile") != request.profile:
        raise RunDirError(
            f"{run}: cannot resume: the run used profile {meta.get('profile')!r}, not {request.profile!r}"
        )
    tool = meta.get("tool")
    if not isinstance(tool, dict) or tool.get("suite_digest") != suite_digest(suites_dir(), catalog_dir()):
        raise RunDirError(f"{run}: cannot resume: the checks (suite digest) changed since the run started")
    # the slugs name files the run writes: recomputed, never taken from run.json
    hosts = meta.get("hosts")
    # the cross-host pseudo-host (harness.bundles.integration) is not an inventory host
    recorded = (
        [h.get("slug") if isinstance(h, dict) else None for h in hosts if not (isinstance(h, dict) and h.get("connection") == "integration")]
        if isinstance(hosts, list)
        else None
    )
    if recorded != host_slugs(request.hosts):
        raise RunDirError(f"{run / 'run.json'}: hosts: the host slugs do not match the inventory's; cannot resume")


def certify(request: RunRequest, on_tick: Callable[[], None] | None = None, resume: bool = False) -> bool:
    """Run the checks on every host into ``request.out``; True when the run was interrupted.

    Results are built by the caller from the journals, so whatever was decided is kept.
    """
    run_dir = prepare(request.out)
    interrupts = Interrupts()
    with RunLock(run_dir), interrupts.installed():
        if resume:
            meta = load_run_meta(run_dir)
            check_run(run_dir, meta)  # the journals the workers read back are data like any other
            check_resumable(meta, request)
            restage_user_suites(run_dir, meta, request.user_suites)
            meta.pop("finished", None)
            meta["resumed"] = [*meta.get("resumed", []), utc_now_iso()]
            write_json_atomic(run_dir / "run.json", meta)
        else:
            # the run id names the run on every page of its report: a folder named by --out is not one
            meta = write_run_meta(request, run_dir.name if RUN_ID.fullmatch(run_dir.name) else new_run_id())
        done = threading.Event()

        def ticker() -> None:
            while not done.wait(0.2):
                if on_tick:
                    on_tick()

        thread = threading.Thread(target=ticker, daemon=True)
        thread.start()
        try:
            run_hosts(request, run_dir, interrupts)
            if not interrupts.level:
                run_cross_host(run_dir, request.hosts, meta, interrupts)
        finally:
            done.set()
            thread.join()
            if on_tick:
                on_tick()
        interrupted = interrupts.level > 0
        meta["interrupted"] = interrupted
        if not interrupted:
            meta["finished"] = utc_now_iso()
        try:
            write_json_atomic(run_dir / "run.json", meta)
        except OSError as exc:
            interrupts.write_errors.append(f"{run_dir / 'run.json'}: {exc.strerror}")
        if interrupts.write_errors:
            raise RunDirWriteError(
                f"writing the run failed at {interrupts.write_errors[0]}; the journal keeps what was decided "
                f"before (xcert report {run_dir} once there is room)"
            )
    return interrupted
