"""Secrets are masked as values before they are encoded, and ansible-runner sees none of ours."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from harness.evidence import EvidenceStore
from harness.journal import Journal
from harness.provision.driver import minimal_environment, scrub_artifacts
from harness.redact import MASK, SecretFilter

SECRET = 'p"a\\ss-wörd'


def _forms(secret: str) -> list[str]:
    return [secret, json.dumps(secret)[1:-1], json.dumps(secret, ensure_ascii=False)[1:-1]]


def test_values_are_masked_before_encoding() -> None:
    f = SecretFilter([SECRET])
    record = {"message": f"login with {SECRET} failed", "args": [SECRET, 3], SECRET: {"nested": SECRET}}
    text = f.dumps(record, ensure_ascii=False)
    assert not any(form in text for form in _forms(SECRET))
    assert json.loads(text)["message"] == f"login with {MASK} failed"
    # before: masking the JSON text looked for the raw secret and missed its escaped form
    assert not any(form in f.text(json.dumps(record)) for form in _forms(SECRET))


def test_encoded_bytes_are_masked_in_every_form() -> None:
    f = SecretFilter([SECRET])
    # a traceback in a worker's log shows the secret as Python's repr does
    assert repr(SECRET)[1:-1] not in f.text(f"ValueError({SECRET!r})")
    for data in (json.dumps({"x": SECRET}).encode(), json.dumps({"x": SECRET}, ensure_ascii=False).encode()):
        assert not any(form.encode() in f.data(data) for form in _forms(SECRET))


def test_the_journal_masks_what_host_data_holds(tmp_path: Path) -> None:
    # before: a secret in host data was masked in evidence but clear in the journal
    journal = Journal(tmp_path / "j.jsonl", SecretFilter([SECRET]))
    journal.append({"type": "facts", "summary": {"os_pretty_name": f"Kylin {SECRET}"}})
    journal.close()
    raw = (tmp_path / "j.jsonl").read_text(encoding="utf-8")
    assert not any(form in raw for form in _forms(SECRET)) and MASK in raw


def test_evidence_documents_mask_escaped_secrets(tmp_path: Path) -> None:
    store = EvidenceStore(tmp_path, "h1", SecretFilter([SECRET]))
    ref = store.document("facts", {"summary": {"x": SECRET}})
    raw = (tmp_path / ref).read_text(encoding="utf-8")
    assert not any(form in raw for form in _forms(SECRET))


def test_ansible_runner_gets_none_of_the_controllers_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XC_DB_PASSWORD", SECRET)
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "x" * 20)
    import os

    runner_env = {**os.environ, "ANSIBLE_STDOUT_CALLBACK": "awx_display", "AWX_ISOLATED_DATA_DIR": "/a"}
    ours = {"PATH": "/usr/bin", "LANG": "C.UTF-8", "ANSIBLE_NOCOLOR": "True"}
    runner_env.update(ours)
    env = minimal_environment(runner_env, ours)
    assert "XC_DB_PASSWORD" not in env and "AWS_SECRET_ACCESS_KEY" not in env
    assert SECRET not in json.dumps(env)
    assert env["ANSIBLE_STDOUT_CALLBACK"] == "awx_display" and env["PATH"] == "/usr/bin"


def test_artifacts_holding_the_environment_are_removed_the_rest_masked(tmp_path: Path) -> None:
    art = tmp_path / "artifacts" / "prepare"
    (art / "job_events").mkdir(parents=True)
    (tmp_path / "env").mkdir()
    (tmp_path / "env" / "envvars").write_text("PATH: /usr/bin\n", encoding="utf-8")
    (art / "command").write_text(json.dumps({"env": {"X": SECRET}}), encoding="utf-8")
    (art / "job_events" / "1-x.json").write_text(json.dumps({"stdout": f"pw {SECRET}"}), encoding="utf-8")
    (art / "stdout").write_text(f"pw {SECRET}\n", encoding="utf-8")
    scrub_artifacts(tmp_path, SecretFilter([SECRET]))
    assert not (art / "command").exists() and not (tmp_path / "env").exists()
    for path in (art / "job_events" / "1-x.json", art / "stdout"):
        assert not any(form in path.read_text(encoding="utf-8") for form in _forms(SECRET))
