"""One ansible-runner job for every host that needs a playbook, each host handed back as soon as its play ends.

The job's inventory is written from the resolved specs (harness.provision.resolved: ``!unsafe``
values, no secrets, 0600); ``forks`` hosts at once. The playbooks run with the ``free`` strategy,
so a slow or failing host holds up no other host of the job, and ``on_host`` is called for each
host from the job's events the moment its last task (or its failure) is reported: its checks can
start while the job goes on for the others.

ansible-runner answers ``--ask-pass``/``--ask-become-pass`` with one password per job, and takes
the SSH arguments from its environment, so hosts are grouped by (password, become password, SSH
arguments); in the usual fleet, where they are the same, that is one job.
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from harness.inventory import HostSpec
from harness.provision import resolved
from harness.provision.driver import (
    PLAYBOOK_TIMEOUT_S,
    PLAYBOOKS,
    ProvisionOutcome,
    condense,
    outcome_of,
    scrub_artifacts,
    start_job,
)
from harness.redact import SecretFilter

#: called once per host with its outcome and its own job events (raw, for its artifacts)
OnHost = Callable[[HostSpec, ProvisionOutcome, list[dict[str, Any]]], None]


@dataclass(frozen=True)
class JobOptions:
    """What a job shares with the run: variables xcert adds per host, its cancel question, its ControlPath folder."""

    host_vars: dict[str, dict[str, Any]] = field(default_factory=dict)
    cancelled: Callable[[], bool] | None = None
    control_dir: Path | None = None


def job_key(spec: HostSpec) -> tuple[str | None, str | None, str]:
    """Hosts with the same key can share a job: ansible-runner gives one answer per prompt."""
    return (spec.password, spec.become_password if spec.become else None, resolved.ssh_args(spec, spec.ssh_args))


def group(specs: Sequence[HostSpec]) -> list[list[HostSpec]]:
    """Specs in jobs, in inventory order; one job when they share their secrets and SSH arguments."""
    jobs: dict[tuple[str | None, str | None, str], list[HostSpec]] = {}
    for spec in specs:
        jobs.setdefault(job_key(spec), []).append(spec)
    return list(jobs.values())


def last_task(action: str) -> str:
    """The name of the playbook's last task: a host whose result for it came is done."""
    plays = yaml.safe_load((PLAYBOOKS / f"{action}.yml").read_text(encoding="utf-8"))
    return str(plays[-1]["tasks"][-1]["name"])


@dataclass
class _Tracker:
    """Follows a job's events host by host and hands each host back once."""

    action: str
    specs: dict[str, HostSpec]
    on_host: OnHost
    t0: float = field(default_factory=time.monotonic)
    tasks: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    events: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    done: set[str] = field(default_factory=set)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def __post_init__(self) -> None:
        self.last = last_task(self.action)

    def event(self, event: dict[str, Any]) -> bool:
        raw = event.get("event_data")
        data: dict[str, Any] = raw if isinstance(raw, dict) else {}
        host = str(data.get("host", ""))
        if host not in self.specs:
            return True
        self.events.setdefault(host, []).append(event)
        item = condense(event)
        if item is None:
            return True
        self.tasks.setdefault(host, []).append(item)
        ended = item["status"] == "unreachable" or (item["status"] == "failed" and not data.get("ignore_errors"))
        if ended or (item["task"] == self.last and item["status"] in ("ok", "changed", "skipped")):
            self.finish(host, "successful" if not ended else "failed", 0 if not ended else None)
        return True

    def finish(self, host: str, status: str, rc: int | None, complete: bool = True) -> None:
        with self.lock:
            if host in self.done:
                return
            self.done.add(host)
        tasks = self.tasks.get(host, [])
        outcome = outcome_of(
            self.action, status, rc, tasks, time.monotonic() - self.t0, complete=complete
        )
        self.on_host(self.specs[host], outcome, self.events.get(host, []))

    def finish_rest(self, status: str, rc: int | None, why: str = "") -> None:
        """Hosts the events did not end (the job timed out, failed to start, ...)."""
        for host in self.specs:
            if host not in self.done:
                if why:
                    self.tasks.setdefault(host, []).append(
                        {
                            "task": "",
                            "host": host,
                            "status": "failed",
                            "msg": why,
                            "rc": None,
                            "stdout": "",
                            "stderr": "",
                        }
                    )
                self.finish(host, status, rc, complete=False)


def kill_job(inventory: Path) -> int:
    """SIGKILL the ansible-playbook of the job on ``inventory`` and everything under it; how many were killed.

    ansible-runner kills the process group of ansible-playbook only, but ansible-core's workers run in
    sessions of their own (os.setsid), each with its ssh: they would go on with their task.
    """
    import psutil

    killed = 0
    for child in psutil.Process().children():
        try:
            if str(inventory) not in child.cmdline():
                continue
            tree = [child, *child.children(recursive=True)]
        except psutil.Error:
            continue
        for proc in reversed(tree):
            with contextlib.suppress(psutil.Error):
                proc.kill()
                killed += 1
    return killed


def _canceller(cancelled: Callable[[], bool] | None, inventory: Path) -> Callable[[], bool]:
    def cancel() -> bool:
        if cancelled is None or not cancelled():
            return False
        kill_job(inventory)
        return True

    return cancel


def run_job(
    action: str,
    specs: Sequence[HostSpec],
    private_dir: Path,
    on_host: OnHost,
    forks: int,
    timeout_s: int | None = PLAYBOOK_TIMEOUT_S,
    job: JobOptions | None = None,
) -> tuple[str, int | None]:
    """Run ``action`` on ``specs`` (one job: they share :func:`job_key`); ``on_host`` is called once per host.

    Returns the job's status and rc. Whatever happens to the job, every host is handed back:
    a job that could not run gives each of its hosts an outcome saying so (never a failed check).
    """
    job = job or JobOptions()
    tracker = _Tracker(action, {str.__str__(s.name): s for s in specs}, on_host)
    secrets = SecretFilter(tuple(secret for s in specs for secret in s.secrets))
    status, rc = "error", None
    try:
        private_dir.mkdir(parents=True, exist_ok=True)
        inventory = resolved.write_many(specs, private_dir / "inventory" / "hosts.yml", job.host_vars)
        runner = start_job(
            action, inventory, specs[0], private_dir, tracker.event, timeout_s, forks=forks,
            cancelled=_canceller(job.cancelled, inventory), control_dir=job.control_dir,
        )  # fmt: skip
        try:
            runner.run()
        finally:
            scrub_artifacts(private_dir, secrets)
        status, rc = str(runner.status), runner.rc
        tracker.finish_rest(status, rc)
    except Exception as exc:  # ansible-runner itself failed: a provisioning error for each host, never a failed check
        tracker.finish_rest("error", None, f"{type(exc).__name__}: {exc}")
    return status, rc


__all__ = ["JobOptions", "OnHost", "group", "job_key", "last_task", "run_job"]
