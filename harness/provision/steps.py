"""Provisioning records: each host's prepare and cleanup (a playbook's tasks, or a decision) journaled with evidence.

The journal record ``{"type": "provision", "action", "ok", "unreachable", "task", "message",
"evidence"}`` is what the results builder reads: a failed ``prepare`` that is not a reachability
problem makes the host INCOMPLETE with the failed task shown. Reachability itself is decided by
the worker's own connection (with the precise reason), so an unreachable host is never reported
as a failed provisioning.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from harness.checks import N_
from harness.clock import utc_now_iso
from harness.errors import RunDirError
from harness.evidence import EvidenceStore
from harness.inventory import HostSpec
from harness.journal import Journal
from harness.provision.driver import ProvisionOutcome, run_playbook
from harness.records import ProvisionRecord
from harness.redact import SecretFilter
from harness.rundir import inside

#: connections that are provisioned (the machine running xcert and snapshots are never changed)
PROVISIONED = ("ssh",)


@dataclass(frozen=True)
class ProvisionSettings:
    enabled: bool = True
    inventories: tuple[str, ...] = ()
    vault_password_file: str | None = None


def wanted(spec: HostSpec, settings: ProvisionSettings | None) -> bool:
    return bool(settings and settings.enabled and spec.connection in PROVISIONED)


def safe_private_dir(run_dir: Path, name: str) -> Path:
    """``provision/<name>`` of the run, refused when a link leads it outside the run directory."""
    private = run_dir / "provision" / name
    if (run_dir / "provision").is_symlink() or private.is_symlink() or not inside(run_dir, private):
        raise RunDirError(f"{private}: leads outside the run directory; not written")
    return private


def journal_outcome(
    run_dir: Path, spec: HostSpec, host_slug: str, outcome: ProvisionOutcome, extra: dict[str, Any] | None = None
) -> None:
    """Journal what a playbook did on one host, its condensed task results as evidence."""
    secrets = SecretFilter(spec.secrets)
    action = outcome.action
    payload: dict[str, Any] = {
        "kind": "provision",
        "action": action,
        "playbook": f"harness/provision/playbooks/{action}.yml",
        "status": outcome.status,
        "rc": outcome.rc,
        "duration_s": round(outcome.duration_s, 3),
        "tasks": outcome.tasks,
        "artifacts": f"provision/{host_slug}/artifacts/{action}/job_events/",
        **(extra or {}),
    }
    evidence = [EvidenceStore(run_dir, host_slug, secrets).document(f"provision-{action}", payload)]
    record = outcome.record(evidence)
    record["message"] = secrets.text(record["message"])
    if outcome.failed_task:
        record["message_key"] = N_("Provisioning ({action}) failed at task {task}: {message}")
    else:
        record["message_key"] = N_("Provisioning ({action}) could not run: {message}") if not outcome.ok else ""
    record["message_args"] = {"action": action, "task": outcome.failed_task or "", "message": record["message"]}
    append_record(run_dir, spec, host_slug, record)


def journal_decision(
    run_dir: Path, spec: HostSpec, host_slug: str, action: str, status: str, message: str, payload: dict[str, Any]
) -> None:
    """Journal a provisioning decision taken without a playbook: skipped (what was found), not reached, done over SSH."""
    secrets = SecretFilter(spec.secrets)
    evidence = [
        EvidenceStore(run_dir, host_slug, secrets).document(
            f"provision-{action}", {"kind": "provision", "action": action, "status": status, **payload}
        )
    ]
    ok = status in ("skipped", "done")
    record: dict[str, Any] = {
        "type": "provision",
        "action": action,
        "ok": ok,
        "status": status,
        "rc": None,
        "unreachable": status == "unreachable",
        "task": None,
        "message": secrets.text(message),
        "message_key": N_("Provisioning ({action}) skipped: {message}") if status == "skipped" else "",
        "message_args": {"action": action, "task": "", "message": secrets.text(message)},
        "duration_s": round(float(payload.get("duration_s", 0.0)), 3),
        "evidence": evidence,
    }
    if not ok and status != "unreachable":
        record["message_key"] = N_("Provisioning ({action}) could not run: {message}")
    append_record(run_dir, spec, host_slug, record)


def append_record(run_dir: Path, spec: HostSpec, host_slug: str, record: dict[str, Any]) -> None:
    record["time"] = utc_now_iso()
    journal = Journal(run_dir / "journal" / f"{host_slug}.jsonl", SecretFilter(spec.secrets))
    with contextlib.closing(journal):
        journal.append(ProvisionRecord.parse(record).to_json())  # the typed record's shape (harness.records)


def provision_host(
    run_dir: Path, spec: HostSpec, host_slug: str, action: str, settings: ProvisionSettings
) -> ProvisionOutcome:
    """Run the ``action`` playbook on one host in a job of its own and journal it with its evidence."""
    secrets = SecretFilter(spec.secrets)
    try:
        private = safe_private_dir(run_dir, host_slug)
        outcome = run_playbook(
            action,
            spec,
            settings.inventories,
            private,
            settings.vault_password_file,
            secrets=secrets,
        )
    except Exception as exc:  # ansible-runner itself failed: a provisioning error, never a failed check
        outcome = ProvisionOutcome(action, ok=False, status="error", rc=None, message=f"{type(exc).__name__}: {exc}")
    journal_outcome(run_dir, spec, host_slug, outcome)
    return outcome


__all__ = [
    "PROVISIONED",
    "ProvisionSettings",
    "append_record",
    "journal_decision",
    "journal_outcome",
    "provision_host",
    "safe_private_dir",
    "wanted",
]
