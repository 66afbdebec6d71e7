"""Provision a fleet: only the hosts that miss something, in one ansible-runner job, none waiting for another.

``Provisioner.prepare(hosts, start)`` hands every host to ``start`` (which runs its checks) once it
is ready for them:

1. the readiness command (harness.provision.readiness) runs on every SSH host at once; a host that
   has every tool is handed over at once, its decision journaled ("skipped: found ..."); a host that
   cannot be reached is handed over too (its worker decides the reason, never a failed provisioning);
2. the hosts that miss something go into one ansible-runner job (harness.provision.batch, ``forks``
   at once, the ``free`` strategy); each is handed over as soon as its own play ended, with its
   tasks journaled, so a slow host in the job holds up no other. A host whose readiness answer comes
   late (a hung sshd answers after its timeout) gets a job of its own rather than hold up the first.

``after_worker`` removes a working directory the readiness command made (over SSH, journaled).
The cleanup job of the hosts a prepare job reached starts as soon as that prepare job ends, while their
checks run: each host's cleanup waits for its own checks to end (harness.provision.signals), so only the
last host's cleanup task is left for the end of the run, over the connection the prepare job opened
(ControlPersist, harness.provision.control). ``cleanup()`` tells the hosts left and waits for the jobs.

A host that did not answer the readiness command in its time (a frozen sshd) is remembered
(:meth:`Provisioner.seen_lost`): its worker reports it lost at once rather than wait out the same timeout
again. A second interrupt cancels the jobs still running (ansible-runner's cancel callback).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from pathlib import Path
from typing import Any

from harness.inventory import HostSpec
from harness.provision import batch, control, readiness
from harness.provision.driver import ProvisionOutcome
from harness.provision.signals import GO, SKIP, Signals
from harness.provision.steps import ProvisionSettings, journal_decision, journal_outcome, safe_private_dir, wanted
from harness.redact import SecretFilter
from harness.rundir import write_text_atomic
from harness.transport.base import HostUnreachable

#: readiness commands in flight at once (each an SSH connection; cheap next to a worker)
READY_CONCURRENCY = 32
#: the first job starts once no readiness answer came for this long (hosts still silent are late)
QUIET_S = 2.0

Start = Callable[[HostSpec, str], None]


class Provisioner:
    def __init__(
        self,
        run_dir: Path,
        settings: ProvisionSettings | None,
        forks: int,
        stopped: Callable[[], bool],
        cancelled: Callable[[], bool] | None = None,
    ) -> None:
        self.run_dir = run_dir
        self.settings = settings
        self.forks = max(1, forks)
        self.stopped = stopped
        self.slugs: dict[str, str] = {}
        self.asked: dict[str, str] = {}  # slug -> evidence of its readiness command
        self.made: dict[str, str] = {}  # slug -> working directory the readiness command made
        self.conns: dict[str, Any] = {}  # slug -> the readiness connection, kept to remove that directory
        self.prepared: list[HostSpec] = []  # reached by a prepare job: cleaned up by the cleanup job
        self.lock = threading.Lock()
        self.jobs = 0
        self.job_of: dict[str, dict[str, Any]] = {}  # host -> its job (name, hosts)
        self.cancelled = cancelled or (lambda: False)
        self.lost: dict[str, HostUnreachable] = {}  # slug -> what the readiness command met (timeouts only)
        self.ended: set[str] = set()  # hosts whose checks ended
        self.signals: dict[str, Signals] = {}  # host -> the signals of its cleanup job
        self.cleanups: list[tuple[threading.Thread, Signals]] = []
        self.control_dir: Path | None = None

    # ------------------------------------------------------------------ prepare

    def prepare(self, hosts: Sequence[tuple[HostSpec, str]], start: Start) -> None:
        """Hand every host to ``start`` once it is ready for its checks; returns when all were handed over."""
        todo = []
        for spec, host_slug in hosts:
            self.slugs[spec.name] = host_slug
            if wanted(spec, self.settings) and not self.stopped():
                todo.append((spec, host_slug))
            else:
                start(spec, host_slug)
        if not todo:
            return
        jobs: list[threading.Thread] = []
        with ThreadPoolExecutor(max_workers=min(READY_CONCURRENCY, len(todo))) as pool:
            pending: set[Future[tuple[HostSpec, str, readiness.Readiness] | None]] = {
                pool.submit(self._ready_or_start, spec, host_slug, start) for spec, host_slug in todo
            }
            while pending:
                unready, pending = self._next_wave(pending)
                if unready:
                    jobs.append(self._launch(unready, start))
        for job in jobs:
            job.join()

    @staticmethod
    def _next_wave(
        pending: set[Future[tuple[HostSpec, str, readiness.Readiness] | None]],
    ) -> tuple[list[tuple[HostSpec, str, readiness.Readiness]], set[Future[Any]]]:
        """The unready hosts answered until a quiet spell (or all answered), and the futures still open."""
        unready = []
        while pending:
            done, pending = wait(pending, timeout=QUIET_S, return_when=FIRST_COMPLETED)
            unready += [r for f in done if (r := f.result()) is not None]
            if not done:
                break
        return unready, pending

    def _ready_or_start(
        self, spec: HostSpec, host_slug: str, start: Start
    ) -> tuple[HostSpec, str, readiness.Readiness] | None:
        """Ask the host; a ready or unreachable host is handed over here and now."""
        try:
            found = self._ask(spec, host_slug)
        except Exception as exc:  # e.g. its evidence could not be written: the playbook decides, and journals
            found = readiness.unknown(spec, f"{type(exc).__name__}: {exc}")
        if found is None or found.ready:
            start(spec, host_slug)
            return None
        return spec, host_slug, found

    def _ask(self, spec: HostSpec, host_slug: str) -> readiness.Readiness | None:
        """Run the readiness command and journal a skip or a lost host; None when the host was handed back."""
        from harness.evidence import EvidenceStore
        from harness.transport import transport_class

        t0 = time.monotonic()
        stdin = readiness.script_input(spec)
        if stdin is None:
            return readiness.unknown(spec, "the working directory is not one absolute path")
        transport = None
        try:
            transport = transport_class(spec.connection)(spec)  # type: ignore[call-arg]
            result = transport.run(readiness.READY_SCRIPT, timeout_s=readiness.READY_TIMEOUT_S, stdin=stdin)
        except HostUnreachable as exc:
            if transport is not None:
                transport.close()
            if exc.reason == "timeout":  # its worker would wait out the same timeout again
                with self.lock:
                    self.lost[host_slug] = exc
            journal_decision(
                self.run_dir, spec, host_slug, "prepare", "unreachable",
                f"not provisioned: {exc.reason}: {exc.detail}", {"duration_s": time.monotonic() - t0},
            )  # fmt: skip
            return None
        except Exception as exc:  # the readiness command is only a shortcut: the playbook decides then
            if transport is not None:
                transport.close()
            return readiness.unknown(spec, f"{type(exc).__name__}: {exc}")
        found = readiness.parse(result, spec)
        if found.ready and found.workdir_state == "made":
            with self.lock:  # kept open: the directory is removed over it after the checks, without a new handshake
                self.conns[host_slug] = transport
        else:
            transport.close()
        ref = EvidenceStore(self.run_dir, host_slug, SecretFilter(spec.secrets)).command(result, "provision-readiness")
        with self.lock:
            self.asked[host_slug] = ref
            if found.ready and found.workdir_state == "made":
                self.made[host_slug] = found.workdir
        if found.ready:
            payload = {"readiness": found.as_dict(), "command": ref, "duration_s": time.monotonic() - t0}
            journal_decision(self.run_dir, spec, host_slug, "prepare", "skipped", found.reason(), payload)
        return found

    def _launch(self, unready: list[tuple[HostSpec, str, readiness.Readiness]], start: Start) -> threading.Thread:
        found = {spec.name: r for spec, _, r in unready}

        def on_host(spec: HostSpec, outcome: ProvisionOutcome, events: list[dict[str, Any]]) -> None:
            host_slug = self.slugs[spec.name]
            try:
                self._keep_events(spec, host_slug, "prepare", events)
                info = {**self.job_of.get(f"prepare:{spec.name}", {}), **self._job_info(found[spec.name])}
                info["command"] = self.asked.get(host_slug)
                journal_outcome(self.run_dir, spec, host_slug, outcome, info)
                if not outcome.unreachable:
                    with self.lock:
                        self.prepared.append(spec)
            finally:
                start(spec, host_slug)  # whatever became of its record, the host's checks run

        thread = threading.Thread(target=self._run_jobs, args=("prepare", [s for s, _, _ in unready], on_host))
        thread.start()
        return thread

    def seen_lost(self, host_slug: str) -> HostUnreachable | None:
        """What the readiness command met on a host that did not answer in its time (None: nothing)."""
        with self.lock:
            return self.lost.get(host_slug)

    def _job_info(self, found: readiness.Readiness) -> dict[str, Any]:
        return {"decision": found.reason(), "readiness": found.as_dict()}

    def _run_jobs(self, action: str, specs: list[HostSpec], on_host: batch.OnHost) -> None:
        """The prepare jobs of ``specs`` (one per :func:`batch.group`), each followed by its hosts' cleanup job."""
        threads = []
        for group in batch.group(specs):
            with self.lock:
                self.jobs += 1
                name = f".job-{action}-{self.jobs}"
                for spec in group:
                    self.job_of[f"{action}:{spec.name}"] = {"job": f"provision/{name}", "job_hosts": len(group)}
            try:
                private = safe_private_dir(self.run_dir, name)
            except Exception as exc:
                self._refuse(action, group, on_host, exc)
                continue
            threads.append(threading.Thread(target=self._run_job, args=(action, group, private, on_host)))
            threads[-1].start()
        for thread in threads:
            thread.join()

    def _options(self, signals: Signals | None = None) -> batch.JobOptions:
        with self.lock:
            if self.control_dir is None:
                self.control_dir = control.make(self.run_dir / "provision")
        host_vars = {name: {"xc_cleanup_signal": signals.path(name)} for name in signals.paths} if signals else {}
        began = signals.when if signals else None
        return batch.JobOptions(host_vars, self.cancelled, self.control_dir, began)

    def _run_job(self, action: str, group: list[HostSpec], private: Path, on_host: batch.OnHost) -> None:
        batch.run_job(action, group, private, on_host, self.forks, job=self._options())
        with self.lock:
            reached = [spec for spec in group if spec in self.prepared]
            self.prepared = [spec for spec in self.prepared if spec not in reached]
        if reached and not self.stopped():
            self._cleanup_job(reached)
        elif reached:  # interrupted: cleanup() decides for them
            with self.lock:
                self.prepared += reached

    @staticmethod
    def _refuse(action: str, group: list[HostSpec], on_host: batch.OnHost, exc: Exception) -> None:
        for spec in group:
            on_host(spec, ProvisionOutcome(action, ok=False, status="error", rc=None, message=str(exc)), [])

    def _keep_events(self, spec: HostSpec, host_slug: str, action: str, events: list[dict[str, Any]]) -> None:
        """The host's own job events, under ``provision/<slug>/artifacts/<action>/job_events/`` (masked)."""
        folder = safe_private_dir(self.run_dir, host_slug) / "artifacts" / action / "job_events"
        folder.mkdir(parents=True, exist_ok=True)
        secrets = SecretFilter(spec.secrets)
        for i, event in enumerate(events, start=1):
            name = f"{i}-{str(event.get('uuid', 'event'))[:36]}.json"
            write_text_atomic(folder / name, secrets.dumps(event, ensure_ascii=False, default=str), self.run_dir)

    # ------------------------------------------------------------------ cleanup

    def after_worker(self, spec: HostSpec, host_slug: str) -> None:
        """Remove the working directory the readiness command made on this host (its worker is done)."""
        with self.lock:
            path = self.made.pop(host_slug, None)
            transport = self.conns.pop(host_slug, None)
            self.ended.add(spec.name)
            signals = self.signals.get(spec.name)
        if signals is not None:
            signals.send(spec.name, SKIP if self.stopped() else GO)
        try:
            if path is not None and not self.stopped():
                self._remove(spec, host_slug, path, transport)
        finally:
            if transport is not None:
                transport.close()

    def _remove(self, spec: HostSpec, host_slug: str, path: str, transport: Any) -> None:
        from harness.transport import transport_class

        t0 = time.monotonic()
        stdin = f"{path}\n".encode()
        try:
            try:
                result = transport.run(readiness.REMOVE_SCRIPT, timeout_s=readiness.READY_TIMEOUT_S, stdin=stdin)
            except HostUnreachable:  # the kept connection dropped meanwhile: once more, anew
                with transport_class(spec.connection)(spec) as again:  # type: ignore[call-arg]
                    result = again.run(readiness.REMOVE_SCRIPT, timeout_s=readiness.READY_TIMEOUT_S, stdin=stdin)
            done = result.rc == 0 and b"removed" in result.stdout
            detail = result.stderr.decode("utf-8", "replace").strip()[:200]
        except HostUnreachable as exc:
            done, detail = False, f"{exc.reason}: {exc.detail}"
        message = f"working directory {path} removed" if done else f"working directory {path} not removed: {detail}"
        payload = {"workdir": path, "duration_s": time.monotonic() - t0}
        journal_decision(self.run_dir, spec, host_slug, "cleanup", "done" if done else "failed", message, payload)

    def _cleanup_job(self, specs: list[HostSpec]) -> None:
        """Start the cleanup job of ``specs`` now; each host's cleanup waits for its own checks to end."""
        with self.lock:
            self.jobs += 1
            name = f".job-cleanup-{self.jobs}"
            for spec in specs:
                self.job_of[f"cleanup:{spec.name}"] = {"job": f"provision/{name}", "job_hosts": len(specs)}
        try:
            private = safe_private_dir(self.run_dir, name)
            signals = Signals(private / "signals", [str.__str__(s.name) for s in specs])
        except Exception as exc:
            self._refuse("cleanup", specs, self._journal_cleanup, exc)
            return
        with self.lock:
            for spec in specs:
                self.signals[spec.name] = signals
            ended = [spec.name for spec in specs if spec.name in self.ended]
        for host in ended:  # checks that ended before the job was made
            signals.send(host, SKIP if self.stopped() else GO)

        def run() -> None:
            try:
                for group in batch.group(specs):
                    # no job timeout: the job lives as long as the checks (each task has its own limit)
                    batch.run_job(
                        "cleanup", group, private, self._journal_cleanup, self.forks, None, self._options(signals)
                    )
            finally:
                signals.close()

        thread = threading.Thread(target=run)
        with self.lock:
            self.cleanups.append((thread, signals))
        thread.start()

    def _journal_cleanup(self, spec: HostSpec, outcome: ProvisionOutcome, events: list[dict[str, Any]]) -> None:
        host_slug = self.slugs[spec.name]
        signals = self.signals.get(spec.name)
        if signals is not None and signals.word(spec.name) == SKIP:
            message = "not cleaned up: the run was interrupted"
            journal_decision(self.run_dir, spec, host_slug, "cleanup", "skipped", message, {"duration_s": 0.0})
            return
        self._keep_events(spec, host_slug, "cleanup", events)
        journal_outcome(self.run_dir, spec, host_slug, outcome, self.job_of.get(f"cleanup:{spec.name}"))

    def cleanup(self) -> None:
        """Tell every cleanup job's hosts left to go on (or, interrupted, to remove nothing) and wait for the jobs."""
        with self.lock:
            specs, self.prepared = list(self.prepared), []
            left, self.conns = list(self.conns.values()), {}
        for transport in left:  # hosts whose worker never ran (an interrupt)
            transport.close()
        if specs and not self.stopped():  # reached by a prepare job whose cleanup job could not start
            self._cleanup_job(specs)
        with self.lock:
            cleanups = list(self.cleanups)
        for thread, signals in cleanups:
            signals.send_rest(SKIP if self.stopped() else GO)
            thread.join()
        with self.lock:
            folder, self.control_dir = self.control_dir, None
        if folder is not None:
            control.stop(folder)


__all__ = ["Provisioner"]
