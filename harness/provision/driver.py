"""Run a shipped playbook against one host through ansible-runner and condense its job events.

ansible-runner's own artifacts (job_events/*.json) stay in the run directory under
``provision/<slug>/``; a condensed list of task results becomes an evidence document.
"""

from __future__ import annotations

import os
import shlex
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from harness.inventory import HostSpec
from harness.provision import resolved
from harness.redact import SecretFilter

PLAYBOOKS = Path(__file__).resolve().parent / "playbooks"
#: the shipped playbooks (the working directory the prepare playbook made is removed over xcert's own SSH
#: after the host's checks: harness.provision.fleet)
ACTIONS = ("prepare",)
PLAYBOOK_TIMEOUT_S = 900
#: seconds between two looks at the cancel callback while a job runs
CANCEL_POLL_S = 1
_TEXT_CAP = 4000
_STATUS = {
    "runner_on_ok": "ok",
    "runner_on_failed": "failed",
    "runner_on_unreachable": "unreachable",
    "runner_on_skipped": "skipped",
}
#: what ansible-playbook gets of the controller's environment; everything else (a database password
#: given through ``password_env``, tokens, ...) stays out of the process and out of its artifacts
KEPT_ENVIRONMENT = ("HOME", "SSH_AUTH_SOCK", "USER", "LOGNAME", "TMPDIR")
#: artifacts that hold the command line and environment: removed after the run, never bundled
ENVIRONMENT_ARTIFACTS = ("command", "env.list", "job_env")


def minimal_environment(runner_env: dict[str, str], ours: dict[str, str]) -> dict[str, str]:
    """The environment ansible-runner prepared, less what it copied from ours that Ansible does not need."""
    kept: dict[str, str] = {}
    for key, value in runner_env.items():
        added = key not in os.environ or os.environ[key] != value  # set by ansible-runner itself
        if key in ours or key in KEPT_ENVIRONMENT or added:
            kept[key] = value
    return kept


def scrub_artifacts(private_dir: Path, secrets: SecretFilter) -> None:
    """Remove the artifacts that hold the environment and mask every secret in the others."""
    import shutil

    shutil.rmtree(private_dir / "env", ignore_errors=True)
    for path in sorted(private_dir.rglob("*")):
        if path.is_symlink():
            path.unlink()
        elif path.is_file():
            if path.name in ENVIRONMENT_ARTIFACTS:
                path.unlink()
            elif secrets:
                data = path.read_bytes()
                masked = secrets.data(data)
                if masked != data:
                    path.write_bytes(masked)


@dataclass
class ProvisionOutcome:
    """What one playbook did on one host."""

    action: str
    ok: bool
    status: str  # ansible-runner's: successful, failed, timeout, canceled
    rc: int | None
    unreachable: bool = False
    failed_task: str | None = None
    message: str = ""
    duration_s: float = 0.0
    tasks: list[dict[str, Any]] = field(default_factory=list)

    def record(self, evidence: list[str]) -> dict[str, Any]:
        """The journal record (``type: provision``)."""
        return {
            "type": "provision",
            "action": self.action,
            "ok": self.ok,
            "status": self.status,
            "rc": self.rc,
            "unreachable": self.unreachable,
            "task": self.failed_task,
            "message": self.message,
            "duration_s": round(self.duration_s, 3),
            "evidence": evidence,
        }


def _trim(value: Any) -> Any:
    if isinstance(value, str) and len(value) > _TEXT_CAP:
        return value[:_TEXT_CAP] + "…"
    return value


def condense(event: dict[str, Any]) -> dict[str, Any] | None:
    """A task result from a job event (None for events that are not task results)."""
    kind = event.get("event", "")
    if kind not in _STATUS:
        return None
    data = event.get("event_data", {})
    res = data.get("res", {}) if isinstance(data.get("res"), dict) else {}
    status = _STATUS[kind]
    if status == "ok" and res.get("changed"):
        status = "changed"
    return {
        "task": data.get("task", ""),
        "host": data.get("host", ""),
        "status": status,
        "msg": _trim(str(res.get("msg", ""))) if res.get("msg") else "",
        "rc": res.get("rc"),
        "stdout": _trim(res.get("stdout", "")),
        "stderr": _trim(res.get("stderr", "")),
        "start": data.get("start"),
        "end": data.get("end"),
    }


def runner_env(spec: HostSpec, control_dir: Path | None = None) -> dict[str, str]:
    """The environment ansible-playbook runs in: only what Ansible needs, ssh_args as xcert resolved them.

    Pipelining is on (a module is sent on the SSH session's stdin: no temporary files, one round trip
    a task); a host whose sudoers has ``requiretty`` needs ``xc_pipelining: false`` (its inventory
    value becomes ``ansible_pipelining``). ``control_dir`` is where Ansible puts the ControlPath sockets
    its ControlPersist connections use (the run's own, 0700; a host's tasks share one connection);
    a ControlPath in the resolved ssh_args wins (Ansible then adds none).
    """
    env = {
        # ansible-runner needs ansible-playbook on PATH, else rc 127 and no output (LAB-NOTES)
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '/usr/bin:/bin')}",
        # ansible-core needs a UTF-8 locale
        "LANG": "C.UTF-8",
        "LC_ALL": "C.UTF-8",
        "ANSIBLE_NOCOLOR": "True",
        "ANSIBLE_RETRY_FILES_ENABLED": "False",
        "ANSIBLE_LOCALHOST_WARNING": "False",
        "ANSIBLE_INVENTORY_UNPARSED_WARNING": "False",
        # ansible.cfg's ssh_args as resolved where xcert ran (ansible-runner works in another directory)
        "ANSIBLE_SSH_ARGS": resolved.ssh_args(spec, spec.ssh_args),
        "ANSIBLE_PIPELINING": "True",
    }
    if control_dir is not None:
        env["ANSIBLE_SSH_CONTROL_PATH_DIR"] = str(control_dir)
    return env


def outcome_of(
    action: str, status: str, rc: int | None, tasks: list[dict[str, Any]], duration_s: float, complete: bool = True
) -> ProvisionOutcome:
    """Condense a host's task results (and the job's status) into its outcome."""
    failed = next((t for t in tasks if t["status"] in ("failed", "unreachable")), None)
    unreachable = any(t["status"] == "unreachable" for t in tasks)
    ok = complete and failed is None and (status == "successful" and rc == 0)
    message = ""
    if failed is not None:
        # a shell task's msg says only "non-zero return code": its stderr says why
        generic = failed["msg"] == "non-zero return code" and failed["stderr"]
        message = (failed["stderr"] if generic else failed["msg"]) or failed["stderr"] or failed["stdout"]
    elif not ok:
        message = f"ansible-runner {status} (rc {rc})"
    return ProvisionOutcome(
        action=action,
        ok=ok,
        status=str(status),
        rc=rc,
        unreachable=unreachable,
        failed_task=failed["task"] if failed else None,
        message=str(message).strip().splitlines()[0][:500] if str(message).strip() else "",
        duration_s=duration_s,
        tasks=tasks,
    )


def start_job(
    action: str,
    inventory: Path,
    spec: HostSpec,
    private_dir: Path,
    on_event: Any,
    timeout_s: int | None,
    forks: int | None = None,
    cancelled: Callable[[], bool] | None = None,
    control_dir: Path | None = None,
) -> Any:
    """An ansible-runner job of ``playbooks/<action>.yml`` (not started); ``spec`` gives its secrets and ssh_args.

    ``cancelled`` is asked about once a second while the job runs: True kills ansible-playbook's process
    group (ansible-runner's cancel_callback; the job's status is then ``canceled``).
    """
    from ansible_runner.interface import init_runner

    if action not in ACTIONS:
        raise ValueError(f"unknown provisioning action {action!r}")
    cmdline, passwords = resolved.passwords(spec)
    env = runner_env(spec, control_dir)
    runner = init_runner(
        private_data_dir=str(private_dir),
        ident=action,
        playbook=str(PLAYBOOKS / f"{action}.yml"),
        inventory=str(inventory),
        passwords=passwords or None,
        # else ansible-runner writes envvars, passwords and cmdline to env/ in clear: kept in memory instead
        suppress_env_files=True,
        cmdline=shlex.join(cmdline) if cmdline else None,
        envvars=env,
        quiet=True,
        timeout=timeout_s,
        event_handler=on_event,
        rotate_artifacts=0,
        # else ansible-runner installs its own SIGINT/SIGTERM handlers (xcert's Interrupts decide)
        cancel_callback=cancelled or (lambda: False),
        **({"forks": forks} if forks else {}),
    )
    runner.config.env = minimal_environment(runner.config.env, env)
    # how often the cancel callback is asked (ansible-runner reads it from env/settings only, which
    # suppress_env_files leaves out: its default is 5 s)
    runner.config.pexpect_timeout = CANCEL_POLL_S
    return runner


def run_playbook(
    action: str,
    spec: HostSpec,
    inventories: Sequence[str],
    private_dir: Path,
    vault_password_file: str | None = None,
    timeout_s: int = PLAYBOOK_TIMEOUT_S,
    secrets: SecretFilter | None = None,
) -> ProvisionOutcome:
    """Run ``playbooks/<action>.yml`` on ``spec`` through ansible-runner, with the values the checks use.

    ansible-runner does not read ``inventories`` again: it gets a one-host inventory written from
    ``spec`` (harness.provision.resolved), so provisioning reaches the host the checks reach, as
    the same user, with the same key and SSH arguments. Its passwords go through ansible-runner's
    prompt answers, never to disk. ``inventories`` and ``vault_password_file`` are kept for callers;
    the resolved inventory holds no vault values, so neither is needed. Several hosts in one job:
    harness.provision.batch.
    """
    del inventories, vault_password_file  # resolved once, in harness.inventory
    if action not in ACTIONS:
        raise ValueError(f"unknown provisioning action {action!r}")
    private_dir.mkdir(parents=True, exist_ok=True)
    inventory = resolved.write(spec, private_dir / "inventory" / "hosts.yml")
    tasks: list[dict[str, Any]] = []

    def on_event(event: dict[str, Any]) -> bool:
        item = condense(event)
        if item is not None:
            tasks.append(item)
        return True

    t0 = time.monotonic()
    runner = start_job(action, inventory, spec, private_dir, on_event, timeout_s)
    try:
        runner.run()
    finally:
        scrub_artifacts(private_dir, secrets or SecretFilter())
    return outcome_of(action, str(runner.status), runner.rc, tasks, time.monotonic() - t0)
