"""A run directory as an attacker hands it back: forged journals, planted links, references outside it.

Each test is a reproducer of a defect of issue 11 (it failed before the fix) run through the real
command line in this process.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

from harness.cli import main
from harness.errors import RunDirError
from harness.journal import Journal, line_hash, read_journal, verify_chain
from harness.paths import catalog_dir, suites_dir
from harness.rundir import suite_digest
from harness.signing.keys import generate, load_private
from harness.signing.manifest import evidence_digest

HOST = "h1"


def _check(outcome: str, evidence: list[str] | None = None) -> dict[str, Any]:
    return {
        "type": "check",
        "id": "XC-OS-001",
        "layer": "os",
        "severity": "mandatory",
        "title": "OS identified",
        "outcome": outcome,
        "message": "the os was checked",
        "duration_s": 0.1,
        "evidence": evidence or [],
        "started": "2026-01-01T00:00:00Z",
    }


def make_run(root: Path, outcome: str = "fail", evidence: list[str] | None = None) -> Path:
    run = root / "run"
    (run / "journal").mkdir(parents=True)
    meta = {
        "schema": "xcert-run/1",
        "run_id": "r1",
        "started": "2026-01-01T00:00:00Z",
        "finished": "2026-01-01T00:01:00Z",
        "profile": "quick",
        "langs": ["en"],
        "tool": {"name": "xcert", "version": "0", "suite_digest": "sha256:" + "0" * 64},
        "hosts": [{"name": HOST, "slug": HOST, "declared": {}, "connection": "local", "address": "localhost"}],
    }
    (run / "run.json").write_text(json.dumps(meta), encoding="utf-8")
    journal = Journal(run / "journal" / f"{HOST}.jsonl")
    journal.append({"type": "plan", "checks": [{"id": "XC-OS-001", "layer": "os", "severity": "mandatory"}]})
    journal.append({"type": "facts", "identity": {}, "summary": {}, "evidence": []})
    journal.append(_check(outcome, evidence))
    journal.append({"type": "host_end"})
    journal.close()
    return run


def _results(run: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((run / "results.json").read_text(encoding="utf-8"))
    return data


def _report(run: Path, *extra: str) -> int:
    return main(["report", str(run), "--format", "json,junit,html", *extra])


# ---------------------------------------------------------------------------------------------- chain


def test_a_journal_is_a_hash_chain_as_written(tmp_path: Path) -> None:
    run = make_run(tmp_path)
    path = run / "journal" / f"{HOST}.jsonl"
    lines = path.read_bytes().splitlines()
    assert json.loads(lines[0])["prev"] == "0" * 64
    assert all(json.loads(lines[i + 1])["prev"] == line_hash(lines[i]) for i in range(len(lines) - 1))
    assert verify_chain(path).ok and verify_chain(path).records == 4
    assert all("prev" not in r for r in read_journal(path))  # readers see the records, not the links


def test_a_journal_torn_by_a_crash_still_verifies_and_goes_on(tmp_path: Path) -> None:
    run = make_run(tmp_path)
    path = run / "journal" / f"{HOST}.jsonl"
    with open(path, "ab") as fh:
        fh.write(b'{"type": "check", "id": "XC-O')  # kill -9 in the middle of a write
    assert verify_chain(path).ok
    journal = Journal(path)
    journal.append({"type": "host_end"})
    journal.close()
    check = verify_chain(path)
    assert [r["type"] for r in read_journal(path)][-1] == "host_end"
    assert check.records == 5 and len(check.problems) == 1  # the torn line, now inside the journal


@pytest.mark.parametrize("edit", ["flip", "delete", "insert"])
def test_a_forged_journal_is_flagged_by_report_and_refused_by_bundle(tmp_path: Path, edit: str) -> None:
    run = make_run(tmp_path)
    assert _report(run) == 1 and _results(run)["verdict"] == "NOT_CERTIFIED"
    path = run / "journal" / f"{HOST}.jsonl"
    lines = path.read_bytes().splitlines(keepends=True)
    if edit == "flip":  # before: a CERTIFIED report that bundle signed and verify accepted
        lines[2] = lines[2].replace(b'"outcome": "fail"', b'"outcome": "pass"')
    elif edit == "delete":
        del lines[2]
    else:
        lines.insert(3, json.dumps(_check("pass"), sort_keys=True).encode() + b"\n")
    path.write_bytes(b"".join(lines))
    assert _report(run) == 3
    assert _results(run)["integrity"]["ok"] is False
    key, _ = generate(tmp_path / "key")
    assert main(["bundle", str(run), "--key", str(key), "--out", str(tmp_path / "b.tar")]) == 3
    assert not (tmp_path / "b.tar").exists()


def test_signed_heads_catch_a_journal_rewritten_from_scratch(tmp_path: Path) -> None:
    from harness.signing.chain import run_integrity, sign_heads

    run = make_run(tmp_path)
    key_path, _ = generate(tmp_path / "key")
    sign_heads(run, load_private(key_path), "r1")
    assert run_integrity(run).ok and run_integrity(run).signed_by
    assert _report(run) == 1
    # a forger who rewrites the whole chain consistently: the chain holds, the signed head does not
    path = run / "journal" / f"{HOST}.jsonl"
    records = list(read_journal(path))
    path.unlink()
    journal = Journal(path)
    for record in records:
        journal.append({**record, "outcome": "pass"} if record["type"] == "check" else record)
    journal.close()
    assert verify_chain(path).ok
    assert _report(run) == 3
    assert "signed" in " ".join(_results(run)["integrity"]["problems"])


def test_certify_signs_the_chain_heads(tmp_path: Path) -> None:
    key_path, _ = generate(tmp_path / "key")
    out = tmp_path / "run"
    rc = main(["certify", "--out", str(out), "--sign-key", str(key_path), "--format", "json"])
    assert rc in (0, 1, 2)
    from harness.signing.chain import run_integrity

    integrity = run_integrity(out)
    assert integrity.ok and integrity.signed_by and set(integrity.heads) == {"localhost"}


def test_the_evidence_digest_is_unambiguous() -> None:
    h1, h2 = "1" * 64, "2" * 64
    # newline-joined "<sha>  <path>" lines read the same for both of these sets
    one = {"x": h1, "y": h2}
    two = {f"x\n{h2}  y": h1}
    assert evidence_digest(one) != evidence_digest(two)


# ---------------------------------------------------------------------------------------------- files


def test_report_never_writes_through_a_planted_link(tmp_path: Path) -> None:
    run = make_run(tmp_path)
    victims = {name: tmp_path / f"victim-{name}" for name in ("report.en.html", "report.html", "junit.xml")}
    for name, victim in victims.items():
        victim.write_text("precious", encoding="utf-8")
        (run / name).symlink_to(victim)
    assert _report(run) == 1
    for name, victim in victims.items():
        assert victim.read_text(encoding="utf-8") == "precious"
        assert not (run / name).is_symlink() and (run / name).is_file()


def test_results_json_planted_as_a_link_is_refused(tmp_path: Path) -> None:
    run = make_run(tmp_path)
    victim = tmp_path / "victim"
    victim.write_text("precious", encoding="utf-8")
    (run / "results.json").symlink_to(victim)
    assert _report(run) == 3
    assert victim.read_text(encoding="utf-8") == "precious"


def test_bundle_refuses_a_symlink_in_the_run(tmp_path: Path) -> None:
    run = make_run(tmp_path)
    assert _report(run) == 1
    secret = tmp_path / "shadow"
    secret.write_text("root:$6$secret-hash:19000::::::\n", encoding="utf-8")
    (run / "evidence").mkdir()
    (run / "evidence" / "shadow.json").symlink_to(secret)
    key, _ = generate(tmp_path / "key")
    out = tmp_path / "b.tar"
    assert main(["bundle", str(run), "--key", str(key), "--out", str(out)]) == 3
    assert not out.exists()


def test_an_evidence_reference_outside_evidence_is_not_read(tmp_path: Path) -> None:
    outside = tmp_path / "outside.json"
    outside.write_text(json.dumps({"kind": "command", "command": "x", "stdout": "OUTSIDE-MARKER"}), encoding="utf-8")
    run = make_run(tmp_path, evidence=["../outside.json", str(outside)])
    assert _report(run) == 1
    assert "OUTSIDE-MARKER" not in (run / "report.en.html").read_text(encoding="utf-8")


def test_an_evidence_reference_inside_evidence_is_shown(tmp_path: Path) -> None:
    run = make_run(tmp_path, evidence=[f"evidence/{HOST}/00001-cmd.json"])
    (run / "evidence" / HOST).mkdir(parents=True)
    doc = {"kind": "command", "command": "cat /etc/os-release", "rc": 0, "stdout": "INSIDE-MARKER", "stderr": ""}
    (run / "evidence" / HOST / "00001-cmd.json").write_text(json.dumps(doc), encoding="utf-8")
    assert _report(run) == 1
    assert "INSIDE-MARKER" in (run / "report.en.html").read_text(encoding="utf-8")


def test_a_re_render_leaves_no_stale_report(tmp_path: Path) -> None:
    run = make_run(tmp_path)
    assert _report(run) == 1
    # an older edition in another language (complete-looking, the opposite verdict), and a re-render
    # asking for JSON only: every report there is rendered again from the new results, none is left stale
    (run / "report.zh.html").write_text("STALE: CERTIFIED", encoding="utf-8")
    assert main(["report", str(run), "--format", "json"]) == 1
    for name in ("report.en.html", "report.zh.html", "report.html", "junit.xml"):
        assert "STALE" not in (run / name).read_text(encoding="utf-8")
        assert (run / name).stat().st_mtime >= (run / "results.json").stat().st_mtime - 1


def test_a_killed_re_render_leaves_no_report_of_the_old_results(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import harness.reporting.render as render_module

    run = make_run(tmp_path)
    assert _report(run) == 1
    assert (run / "report.en.html").is_file()

    def killed(*_: object, **__: object) -> list[Path]:
        raise KeyboardInterrupt  # the rendering dies after results.json, before any report

    monkeypatch.setattr(render_module, "render_reports", killed)
    assert main(["report", str(run)]) == 130
    assert (run / "results.json").is_file()
    assert not [p.name for p in run.iterdir() if p.name.startswith("report") or p.name == "junit.xml"]


def test_resume_recomputes_host_slugs(tmp_path: Path) -> None:
    from harness.inventory import HostSpec
    from harness.runner import RunRequest, check_resumable, inventory_digest

    hosts = [HostSpec(name="h1", connection="local", address="localhost")]
    request = RunRequest(hosts=hosts, profile="quick", out=tmp_path)
    meta = {
        "inventory_digest": inventory_digest(hosts),
        "profile": "quick",
        "tool": {"suite_digest": suite_digest(suites_dir(), catalog_dir())},
        "hosts": [{"name": "h1", "slug": "../../../../tmp/elsewhere"}],
    }
    with pytest.raises(RunDirError, match="slug"):
        check_resumable(meta, request)
    meta["hosts"] = [{"name": "h1", "slug": "h1"}]
    check_resumable(meta, request)


def test_control_characters_in_a_path_are_refused(tmp_path: Path) -> None:
    from harness.rundir import resolve_under, write_text_atomic

    with pytest.raises(RunDirError, match="control"):
        write_text_atomic(tmp_path / "a\nb", "x")
    with pytest.raises(RunDirError):
        resolve_under(tmp_path, "evidence/x\x1b[2J.json", "evidence")
    assert not any(tmp_path.iterdir())


def test_atomic_write_refuses_a_link_and_leaves_no_temporary(tmp_path: Path) -> None:
    from harness.rundir import write_text_atomic

    victim = tmp_path / "victim"
    victim.write_text("precious", encoding="utf-8")
    (tmp_path / "out").symlink_to(victim)
    with pytest.raises(RunDirError, match="symbolic link"):
        write_text_atomic(tmp_path / "out", "x")
    assert victim.read_text(encoding="utf-8") == "precious"
    write_text_atomic(tmp_path / "new", "fresh")
    assert sorted(os.listdir(tmp_path)) == ["new", "out", "victim"]


@pytest.mark.parametrize("where", ["journal", "run.json", "evidence", "lab.toml"])
def test_a_fifo_or_device_in_a_run_neither_hangs_nor_floods(tmp_path: Path, where: str) -> None:
    import time

    run = make_run(tmp_path, evidence=[f"evidence/{HOST}/00001-cmd.json"])
    (run / "evidence" / HOST).mkdir(parents=True)
    target = {
        "journal": run / "journal" / f"{HOST}.jsonl",
        "run.json": run / "run.json",
        "evidence": run / "evidence" / HOST / "00001-cmd.json",
        "lab.toml": run / "lab.toml",
    }[where]
    target.unlink(missing_ok=True)
    if where == "journal":
        target.symlink_to("/dev/zero")  # endless, without a newline
    else:
        os.mkfifo(target)  # no writer: an open() for reading would wait forever
    t0 = time.monotonic()
    rc = _report(run)
    assert time.monotonic() - t0 < 30
    assert rc in (1, 2, 3)


def test_verify_never_sends_control_characters_to_the_terminal(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import io
    import tarfile

    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w") as tar:
        for name in ("manifest.json", "manifest.sig", "run/\x1b]0;owned\x07evil"):
            info = tarfile.TarInfo(name)
            info.size = 2
            tar.addfile(info, io.BytesIO(b"{}"))
    (tmp_path / "b.tar").write_bytes(buf.getvalue())
    _, pub = generate(tmp_path / "key")
    assert main(["verify", str(tmp_path / "b.tar"), "--pubkey", str(pub)]) in (1, 3)
    captured = capsys.readouterr()
    assert "\x1b" not in captured.err + captured.out


def test_keygen_never_writes_through_a_planted_link(tmp_path: Path) -> None:
    victim = tmp_path / "victim"
    (tmp_path / "k.pub").symlink_to(victim)  # dangling: it would create the victim
    assert main(["keygen", "--out", str(tmp_path / "k")]) == 3
    assert not victim.exists() and not (tmp_path / "k").exists()


def test_a_bundle_is_written_whole_or_not_at_all(tmp_path: Path) -> None:
    run = make_run(tmp_path)
    assert _report(run) == 1
    key, pub = generate(tmp_path / "key")
    out = tmp_path / "b.tar"
    assert main(["bundle", str(run), "--key", str(key), "--out", str(out)]) == 0
    assert main(["verify", str(out), "--pubkey", str(pub)]) == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["b.tar", "key", "key.pub", "run"]


@pytest.mark.parametrize("name", ["lab.toml", "waivers.yml", "evidence"])
def test_a_run_input_planted_as_a_link_is_refused(tmp_path: Path, name: str) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.json").write_text(json.dumps({"kind": "command", "stdout": "OUTSIDE-MARKER"}))
    run = make_run(tmp_path, evidence=["evidence/secret.json"])
    (run / name).symlink_to(outside if name == "evidence" else outside / "secret.json")
    assert _report(run) == 3
    assert not (run / "report.en.html").exists()


def test_ansible_runners_environment_never_enters_a_bundle(tmp_path: Path) -> None:
    run = make_run(tmp_path)
    assert _report(run) == 1
    art = run / "provision" / HOST / "artifacts" / "prepare"
    (art / "job_events").mkdir(parents=True)
    (art / "command").write_text(json.dumps({"env": {"DB_PW": "ENV-MARKER"}}), encoding="utf-8")  # an older run's
    (art / "job_events" / "1.json").write_text("{}", encoding="utf-8")
    (run / "provision" / HOST / "env").mkdir()
    (run / "provision" / HOST / "env" / "envvars").write_text("DB_PW: ENV-MARKER\n", encoding="utf-8")
    key, _ = generate(tmp_path / "key")
    for extra in ([], ["--redact"]):
        out = tmp_path / f"b{len(extra)}.tar"
        assert main(["bundle", str(run), "--key", str(key), "--out", str(out), *extra]) == 0
        data = out.read_bytes()
        assert b"ENV-MARKER" not in data and b"job_events/1.json" in data


def test_a_resumed_run_whose_journal_was_changed_is_not_a_result(tmp_path: Path) -> None:
    out = tmp_path / "run"
    assert main(["certify", "--out", str(out), "--format", "json"]) == 1  # this machine: not Xinchuang
    path = out / "journal" / "localhost.jsonl"
    lines = path.read_bytes().splitlines(keepends=True)
    at = next(i for i, line in enumerate(lines) if b'"outcome": "fail"' in line)
    lines[at] = lines[at].replace(b'"outcome": "fail"', b'"outcome": "pass"')
    path.write_bytes(b"".join(lines))
    assert main(["certify", "--resume", str(out), "--format", "json"]) == 3
    assert _results(out)["integrity"]["ok"] is False


@pytest.mark.parametrize("name", [".lock", "run.json"])
def test_certify_never_writes_through_a_link_in_its_run_directory(tmp_path: Path, name: str) -> None:
    victim = tmp_path / "victim"
    victim.write_text("precious", encoding="utf-8")
    out = tmp_path / "run"
    out.mkdir()
    (out / name).symlink_to(victim)  # before: the lock truncated the victim
    assert main(["certify", "--out", str(out), "--format", "json"]) in (1, 3)
    assert victim.read_text(encoding="utf-8") == "precious"


def test_evidence_is_never_written_through_a_linked_folder(tmp_path: Path) -> None:
    from harness.evidence import EvidenceStore
    from harness.redact import SecretFilter

    outside = tmp_path / "outside"
    outside.mkdir()
    run = tmp_path / "run"
    run.mkdir()
    (run / "evidence").symlink_to(outside)
    with pytest.raises(RunDirError):
        EvidenceStore(run, HOST, SecretFilter())
    assert not any(outside.iterdir())
