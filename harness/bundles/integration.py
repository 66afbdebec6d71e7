"""The seam for cross-host checks: after every host worker has finished, the runner starts one
integration worker (``python -m harness.bundles.integration RUN_DIR``) when the inventory gives
hosts a role (``xc_role``). It reads each host's facts from the run directory (journals), opens its
own connections to the hosts it needs, and journals the XC-INT checks under a pseudo-host
``bundle`` (connection ``integration``), so results.json, reports, bundles and the matrix carry them
like any host's.

The host specs, secrets included, arrive as JSON on standard input (as for host workers).
"""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import threading
import time
import traceback
from collections.abc import Sequence
from dataclasses import asdict
from pathlib import Path
from typing import Any

from harness.bundles.combination import INTEGRATION_CONNECTION
from harness.checks import N_, CheckContext, CheckFailed, CheckMeta, NotApplicable
from harness.clock import utc_now_iso
from harness.inventory import HostSpec
from harness.journal import Journal
from harness.redact import SecretFilter
from harness.rundir import write_json_atomic
from harness.transport.base import HostUnreachable

PSEUDO_HOST = "bundle"
STOP = threading.Event()
HOST_FIELDS = ("kernel", "glibc", "page_size", "arch")
WORKER_TIMEOUT_S = 900.0


def pseudo_host(meta: dict[str, Any]) -> dict[str, Any]:
    """run.json's entry for the cross-host pseudo-host (a name no inventory host has)."""
    names = {h["name"] for h in meta["hosts"]}
    name = PSEUDO_HOST if PSEUDO_HOST not in names else f"{PSEUDO_HOST}-cross-host"
    return {"name": name, "slug": name, "connection": INTEGRATION_CONNECTION, "address": None, "declared": {}}


def start(run_dir: Path, hosts: Sequence[HostSpec], meta: dict[str, Any], workers: dict[str, Any]) -> int | None:
    """Run the integration worker when any host has a role; returns its exit code (None: no roles).

    ``workers`` is the runner's table of live worker processes (its interrupt handler signals them).
    """
    if not any(h.role for h in hosts):
        return None
    entry = next((h for h in meta["hosts"] if h.get("connection") == INTEGRATION_CONNECTION), None)
    if entry is None:
        entry = pseudo_host(meta)
        meta["hosts"].append(entry)
        write_json_atomic(run_dir / "run.json", meta)
    payload = json.dumps([asdict(h) for h in hosts], ensure_ascii=False).encode()
    proc = subprocess.Popen(
        [sys.executable, "-m", "harness.bundles.integration", str(run_dir), entry["slug"]],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    workers[entry["slug"]] = proc
    try:
        out, _ = proc.communicate(input=payload, timeout=WORKER_TIMEOUT_S)
    except subprocess.TimeoutExpired:
        proc.kill()
        out, _ = proc.communicate()
        out += b"\nintegration worker timed out\n"
    finally:
        workers.pop(entry["slug"], None)
    secrets = tuple(s for h in hosts for s in h.secrets)
    (run_dir / "logs").mkdir(exist_ok=True)
    with open(run_dir / "logs" / f"{entry['slug']}.log", "ab") as fh:
        fh.write(SecretFilter(secrets).data(out))
    return proc.returncode


def _record(
    journal: Journal,
    secrets: SecretFilter,
    meta: CheckMeta,
    subject: str,
    outcome: str,
    ctx: CheckContext,
    started: str,
    t0: float,
    message: str = "",
) -> None:
    journal.append(
        {
            "type": "check",
            "id": meta.id,
            "subject": subject,
            "layer": meta.layer,
            "severity": str(meta.severity),
            "title": meta.title,
            "outcome": outcome,
            "message": secrets.text(message or ctx.message),
            "message_key": ctx.message_key,
            "message_args": {k: secrets.text(str(v)) for k, v in ctx.message_args.items()},
            "measurements": ctx.measurements,
            "evidence": ctx.evidence,
            "started": started,
            "duration_s": round(time.monotonic() - t0, 6),
        }
    )


def load_suite() -> Any:
    """suites/integration/crosshost.py (the suites live beside the package, not inside it)."""
    import importlib.util

    from harness.paths import suites_dir

    path = suites_dir() / "integration" / "crosshost.py"
    spec = importlib.util.spec_from_file_location("xcert_suite_integration_crosshost", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def run_checks(run_dir: Path, slug: str, specs: Sequence[HostSpec], profile: str = "quick") -> int:
    """Journal every cross-host check under ``slug``; returns 0 (outcomes are in the journal)."""
    from harness.bundles.crosshost import CrossHost
    from harness.evidence import EvidenceStore

    suite = load_suite()
    CHECKS, subjects = suite.CHECKS, suite.subjects

    meta_json = json.loads((run_dir / "run.json").read_text(encoding="utf-8"))
    slugs = {h["name"]: h["slug"] for h in meta_json["hosts"]}
    secrets = SecretFilter(tuple(s for h in specs for s in h.secrets))
    view = CrossHost(run_dir, specs, slugs, EvidenceStore(run_dir, slug, secrets))
    journal = Journal(run_dir / "journal" / f"{slug}.jsonl")
    try:
        plan = []
        work = []
        for fn in CHECKS:
            meta: CheckMeta = fn.xcert_check
            items = subjects(view, fn)
            for item in items or [None]:
                subject = getattr(item, "subject", "") or ""
                plan.append(dict(meta.as_dict(), subject=subject))
                work.append((fn, meta, item, subject, bool(items)))
        journal.append({"type": "plan", "time": utc_now_iso(), "profile": profile, "checks": plan})
        roles = view.roles()
        journal.append(
            {
                "type": "facts",
                "time": utc_now_iso(),
                "identity": {},
                # the host fields every report shows, empty: the pseudo-host is no machine
                "summary": {"roles": roles, "hosts": sorted(view.specs), **dict.fromkeys(HOST_FIELDS)},
                "evidence": [],
            }
        )
        for fn, meta, item, subject, has_subject in work:
            if STOP.is_set():
                break  # interrupted: the checks not yet run stay undecided (the run is INCOMPLETE)
            ctx = CheckContext(meta)
            view.current = ctx
            started, t0 = utc_now_iso(), time.monotonic()
            if not has_subject:
                ctx.note(N_("No application host needs a database or middleware port"))
                _record(journal, secrets, meta, subject, "not_applicable", ctx, started, t0)
                continue
            missing = [h.name for h in view.hosts() if view.facts(h.name) is None]
            try:
                if missing:
                    raise HostUnreachable(
                        "facts", "no facts from " + ", ".join(missing) + " (its own checks never reached it)"
                    )
                fn(view, ctx, item)
                outcome, message = "pass", ""
            except CheckFailed:
                outcome, message = "fail", ""
            except NotApplicable:
                outcome, message = "not_applicable", ""
            except HostUnreachable as exc:
                outcome, message = "error", f"a host could not be reached: {exc}"
            except Exception as exc:  # a harness fault is an error, never a failure
                outcome, message = "error", f"{type(exc).__name__}: {exc}"
                ctx.link(view.evidence.document("traceback", {"kind": "traceback", "text": traceback.format_exc()}))
            _record(journal, secrets, meta, subject, outcome, ctx, started, t0, message)
        journal.append({"type": "host_end", "time": utc_now_iso(), "lost": False, "interrupted": STOP.is_set()})
    finally:
        view.close()
        journal.close()
    return 0


def main(argv: list[str]) -> int:
    # the runner's first interrupt (SIGUSR1, as for host workers): finish the check in flight, start no other
    signal.signal(signal.SIGUSR1, lambda _sig, _frame: STOP.set())
    run_dir, slug = Path(argv[0]), argv[1]
    specs = [HostSpec(**raw) for raw in json.loads(sys.stdin.read() or "[]")]
    meta = json.loads((run_dir / "run.json").read_text(encoding="utf-8"))
    return run_checks(run_dir, slug, specs, str(meta.get("profile", "quick")))


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
