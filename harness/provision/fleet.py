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

``after_worker`` removes the working directory this run made on the host, whoever made it (the
readiness command or the prepare playbook), once the host's checks ended: one ``rm`` over the
connection the readiness command opened (kept for it), journaled as the host's cleanup. A directory
that was there before the run is kept. The prepare jobs' ControlPersist masters
(harness.provision.control) are stopped as soon as the jobs ended.

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
from harness.provision.steps import ProvisionSettings, journal_decision, journal_outcome, safe_private_dir, wanted
from harness.redact import SecretFilter
from harness.rundir import write_text_atomic
from harness.transport.base import HostUnreachable

#: what the prepare playbook's first task prints when it made the working directory (playbooks/prepare.yml)
MADE = "workdir=made"

#: readiness commands in flight at once (each an SSH connection; cheap next to a worker)
READY_CONCURRENCY = 32
#: the first job starts once no readiness answer came for this long (hosts still silent are late)
QUIET_S = 2.0

Start = Callable[[HostSpec, str], None]


def made_workdir(outcome: ProvisionOutcome) -> bool:
    """Whether the prepare playbook made the host's working directory (its first task says so)."""
    return not outcome.unreachable and any(
        MADE in str(task.get("stdout", "")).splitlines() for task in outcome.tasks if task.get("status") == "changed"
    )


class Provisioner:
    def __init__(
        self,
        run_dir: Path,
        settings: ProvisionSettings | None,
        forks: int,
        stopped: Callable[[], bool],
        cancelled: Callable[[], bool] | None = None,
        hold: Callable[[str], None] | None = None,
    ) -> None:
        self.run_dir = run_dir
        self.settings = settings
        self.forks = max(1, forks)
        self.stopped = stopped
        self.slugs: dict[str, str] = {}
        self.asked: dict[str, str] = {}  # slug -> evidence of its readiness command
        #: slug -> (the working directory this run made there, what made it): removed after its checks
        self.made: dict[str, tuple[str, str]] = {}
        self.conns: dict[str, Any] = {}  # slug -> the readiness connection, kept to remove that directory
        self.specs: dict[str, HostSpec] = {}  # slug -> its spec
        self.lock = threading.Lock()
        self.jobs = 0
        self.job_of: dict[str, dict[str, Any]] = {}  # host -> its job (name, hosts)
        self.cancelled = cancelled or (lambda: False)
        self.lost: dict[str, HostUnreachable] = {}  # slug -> what the readiness command met (timeouts only)
        self.control_dir: Path | None = None
        #: called with the slug of each host a prepare job takes, when the job starts (harness.prestart)
        self.hold = hold or (lambda _slug: None)

    # ------------------------------------------------------------------ prepare

    def prepare(self, hosts: Sequence[tuple[HostSpec, str]], start: Start) -> None:
        """Hand every host to ``start`` once it is ready for its checks; returns when all were handed over."""
        todo = []
        for spec, host_slug in hosts:
            self.slugs[spec.name] = host_slug
            self.specs[host_slug] = spec
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
        self._stop_masters()  # every prepare job ended: their connections are needed no more

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
        if not found.ready or found.workdir_state == "made":
            with self.lock:  # kept open: a directory made is removed over it after the checks, without a new handshake
                self.conns[host_slug] = transport
        else:
            transport.close()
        ref = EvidenceStore(self.run_dir, host_slug, SecretFilter(spec.secrets)).command(result, "provision-readiness")
        with self.lock:
            self.asked[host_slug] = ref
            if found.ready and found.workdir_state == "made":
                self.made[host_slug] = (found.workdir, "the readiness command")
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
                if made_workdir(outcome):
                    with self.lock:
                        self.made[host_slug] = (readiness.workdir(spec), "the prepare playbook")
            finally:
                start(spec, host_slug)  # whatever became of its record, the host's checks run

        for _, host_slug, _ in unready:
            self.hold(host_slug)  # its worker starts now and waits for the host (its start overlaps the job)
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
        """The prepare jobs of ``specs``, one per :func:`batch.group`, side by side."""
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

    def _options(self) -> batch.JobOptions:
        with self.lock:
            if self.control_dir is None:
                self.control_dir = control.make(self.run_dir / "provision")
        return batch.JobOptions({}, self.cancelled, self.control_dir)

    def _run_job(self, action: str, group: list[HostSpec], private: Path, on_host: batch.OnHost) -> None:
        batch.run_job(action, group, private, on_host, self.forks, job=self._options())

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
        """Remove the working directory this run made on the host (its worker is done), over xcert's own SSH."""
        with self.lock:
            made = self.made.pop(host_slug, None)
            transport = self.conns.pop(host_slug, None)
        try:
            if made is None:
                return
            path, maker = made
            if self.stopped():
                self._left(spec, host_slug, path, maker)
            else:
                self._remove(spec, host_slug, path, maker, transport)
        finally:
            if transport is not None:
                transport.close()

    def _left(self, spec: HostSpec, host_slug: str, path: str, maker: str) -> None:
        message = f"not cleaned up: the run was interrupted; working directory {path} (made by {maker}) left"
        payload = {"workdir": path, "made_by": maker, "duration_s": 0.0}
        journal_decision(self.run_dir, spec, host_slug, "cleanup", "skipped", message, payload)

    def _remove(self, spec: HostSpec, host_slug: str, path: str, maker: str, transport: Any) -> None:
        from harness.transport import transport_class

        t0 = time.monotonic()
        stdin = f"{path}\n".encode()
        try:
            if not path.startswith("/") or any(c in path for c in "\r\n\0"):
                raise ValueError("it is not one absolute path")
            try:
                if transport is None:
                    raise HostUnreachable("closed", "no connection kept")
                result = transport.run(readiness.REMOVE_SCRIPT, timeout_s=readiness.READY_TIMEOUT_S, stdin=stdin)
            except HostUnreachable:  # no connection kept, or it dropped meanwhile: once more, anew
                with transport_class(spec.connection)(spec) as again:  # type: ignore[call-arg]
                    result = again.run(readiness.REMOVE_SCRIPT, timeout_s=readiness.READY_TIMEOUT_S, stdin=stdin)
            done = result.rc == 0 and b"removed" in result.stdout
            detail = result.stderr.decode("utf-8", "replace").strip()[:200] or f"exit {result.rc}"
        except HostUnreachable as exc:
            done, detail = False, f"{exc.reason}: {exc.detail}"
        except ValueError as exc:
            done, detail = False, str(exc)
        message = f"working directory {path} removed" if done else f"working directory {path} not removed: {detail}"
        payload = {"workdir": path, "made_by": maker, "duration_s": time.monotonic() - t0}
        journal_decision(self.run_dir, spec, host_slug, "cleanup", "done" if done else "failed", message, payload)

    def cleanup(self) -> None:
        """The end of the run: hosts whose worker never ran (an interrupt) keep what was made, journaled; the
        ControlPersist masters of the prepare jobs are stopped."""
        with self.lock:
            left, self.conns = list(self.conns.values()), {}
            made, self.made = dict(self.made), {}
        for transport in left:
            transport.close()
        for host_slug, (path, maker) in made.items():
            spec = self.specs.get(host_slug)
            if spec is not None:
                self._left(spec, host_slug, path, maker)
        self._stop_masters()

    def _stop_masters(self) -> None:
        with self.lock:
            folder, self.control_dir = self.control_dir, None
        if folder is not None:
            control.stop(folder)


__all__ = ["Provisioner"]
