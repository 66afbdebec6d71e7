"""ansible-runner job events condensed into evidence; playbooks parse as Ansible YAML."""

from __future__ import annotations

import yaml

from harness.provision.driver import ACTIONS, PLAYBOOKS, ProvisionOutcome, condense


def _event(kind: str, res: dict[str, object]) -> dict[str, object]:
    return {"event": kind, "event_data": {"task": "Make the working directory", "host": "h1", "res": res}}


def test_task_results_are_condensed() -> None:
    ok = condense(_event("runner_on_ok", {"changed": True}))
    assert ok is not None and ok["status"] == "changed" and ok["task"] == "Make the working directory"
    failed = condense(_event("runner_on_failed", {"msg": "Permission denied", "rc": 1}))
    assert failed is not None and (failed["status"], failed["msg"], failed["rc"]) == ("failed", "Permission denied", 1)
    lost = condense(_event("runner_on_unreachable", {"unreachable": True, "msg": "refused"}))
    assert lost is not None and lost["status"] == "unreachable"
    assert condense({"event": "playbook_on_start"}) is None


def test_long_output_is_trimmed() -> None:
    item = condense(_event("runner_on_ok", {"stdout": "x" * 10000}))
    assert item is not None and len(item["stdout"]) < 5000


def test_the_journal_record() -> None:
    out = ProvisionOutcome("prepare", ok=False, status="failed", rc=2, failed_task="T", message="m")
    rec = out.record(["evidence/h/00001-provision-prepare.json"])
    assert rec["type"] == "provision" and rec["task"] == "T" and not rec["ok"] and rec["evidence"]


def test_shipped_playbooks_are_plays() -> None:
    for action in ACTIONS:
        plays = yaml.safe_load((PLAYBOOKS / f"{action}.yml").read_text(encoding="utf-8"))
        assert plays[0]["hosts"] == "all" and plays[0]["tasks"]
