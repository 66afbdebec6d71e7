"""Waivers cannot waive identity; a CERTIFIED-with-waivers verdict says so (console and cover)."""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from harness.errors import InputError
from harness.waivable import non_waivable
from harness.waivers import Waiver, apply_waivers, parse_waivers
from tests.conftest import xcert

IDENTITY = ("XC-OS-001", "XC-OS-002", "XC-OS-010", "XC-OS-011", "XC-CPU-001", "XC-CPU-002", "XC-SRV-011", "XC-MW-001")


def _waiver_text(check_id: str) -> str:
    return (
        f"waivers:\n  - check: {check_id}\n    justification: it is close enough\n"
        "    expiry: 2099-01-01\n    approver: someone\n"
    )


def test_identity_and_consistency_checks_declare_themselves_non_waivable() -> None:
    assert set(IDENTITY) <= non_waivable()
    assert "XC-OS-005" not in non_waivable()  # a locale can be waived


@pytest.mark.parametrize("check_id", IDENTITY)
def test_a_waiver_for_an_identity_check_is_refused_naming_it(check_id: str) -> None:
    with pytest.raises(InputError) as err:
        parse_waivers(_waiver_text(check_id), Path("w.yml"))
    assert str(err.value) == (
        f"w.yml:2: waivers[0].check: {check_id} cannot be waived: it checks what the host is "
        "(identity and consistency checks are not waivable)"
    )


def test_the_command_line_refuses_it_before_running(tmp_path: Path) -> None:
    w = tmp_path / "w.yml"
    w.write_text(_waiver_text("XC-OS-002"), encoding="utf-8")
    proc = xcert("certify", "--waivers", str(w), "--out", str(tmp_path / "run"))
    assert proc.returncode == 3 and "Traceback" not in proc.stderr
    assert proc.stderr == (
        f"xcert: {w}:2: waivers[0].check: XC-OS-002 cannot be waived: it checks what the host is "
        "(identity and consistency checks are not waivable)\n"
    )
    assert not (tmp_path / "run" / "journal").exists()  # nothing ran


def test_a_hand_made_waiver_never_turns_an_identity_failure_into_waived() -> None:
    waiver = Waiver("XC-OS-002", "*", "x", date(2099, 1, 1), "a")
    checks: list[dict[str, Any]] = [{"id": "XC-OS-002", "outcome": "fail"}]
    apply_waivers("h1", checks, [waiver], today=date(2026, 1, 1))
    assert checks == [{"id": "XC-OS-002", "outcome": "fail"}]


def _certified_with_a_waiver(tmp_path: Path) -> Path:
    """A run whose only mandatory failure (XC-OS-005) is waived: CERTIFIED, with waivers."""
    meta = {
        "run_id": "r1",
        "started": "2026-01-01T00:00:00Z",
        "finished": "2026-01-01T00:01:00Z",
        "profile": "quick",
        "tool": {"name": "xcert", "version": "0", "suite_digest": "sha256:" + "0" * 64},
        "hosts": [{"name": "h1", "slug": "h1", "declared": {}}],
    }
    (tmp_path / "run.json").write_text(json.dumps(meta), encoding="utf-8")
    (tmp_path / "journal").mkdir()
    (tmp_path / "evidence" / "h1").mkdir(parents=True)
    (tmp_path / "evidence" / "h1" / "00001-x.json").write_text("{}", encoding="utf-8")
    plan = {"type": "plan", "checks": [{"id": i, "layer": "os", "severity": "mandatory", "title": i}
                                       for i in ("XC-OS-001", "XC-OS-005")]}  # fmt: skip
    records = [plan, {"type": "facts", "identity": {}, "summary": {}, "evidence": []}]
    for cid, outcome in (("XC-OS-001", "pass"), ("XC-OS-005", "fail")):
        records.append(
            {"type": "check", "id": cid, "layer": "os", "severity": "mandatory", "title": cid, "outcome": outcome,
             "message": "zh_CN.UTF-8 is not installed" if outcome == "fail" else "", "duration_s": 0.1,
             "evidence": ["evidence/h1/00001-x.json"], "started": "2026-01-01T00:00:00Z"}
        )  # fmt: skip
    records.append({"type": "host_end"})
    (tmp_path / "journal" / "h1.jsonl").write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    (tmp_path / "waivers.yml").write_text(_waiver_text("XC-OS-005"), encoding="utf-8")
    return tmp_path


def test_certified_with_waivers_says_so_in_the_console_and_on_the_cover(tmp_path: Path) -> None:
    from harness.console_summary import verdict_line
    from harness.reporting.render import render_run

    run = _certified_with_a_waiver(tmp_path)
    results, written = render_run(run, ("en", "zh", "ru"), ("json", "html"))
    assert results["verdict"] == "CERTIFIED"
    assert verdict_line(results).plain == "verdict: CERTIFIED with waivers: XC-OS-005 (h1)"
    covers = {p.name: p.read_text(encoding="utf-8") for p in written if p.suffix == ".html"}
    assert covers, written

    def cover(name: str) -> str:
        text = covers[name]
        return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", text[text.index('class="cover"') :]))[:2000]

    english = next(n for n in covers if n in ("report.html", "report.en.html"))
    assert "Certified with waivers: XC-OS-005" in cover(english)
    assert "在豁免下通过认证：XC-OS-005" in cover("report.zh.html")
    assert "Сертифицировано с исключениями: XC-OS-005" in cover("report.ru.html")


def test_a_plain_certified_cover_has_no_waiver_line(tmp_path: Path) -> None:
    from harness.reporting.render import render_run

    run = _certified_with_a_waiver(tmp_path)
    (run / "waivers.yml").unlink()
    lines = (run / "journal" / "h1.jsonl").read_text(encoding="utf-8").replace('"fail"', '"pass"')
    (run / "journal" / "h1.jsonl").write_text(lines, encoding="utf-8")
    results, written = render_run(run, ("en",), ("html",))
    assert results["verdict"] == "CERTIFIED"
    assert all("Certified with waivers" not in p.read_text(encoding="utf-8") for p in written if p.suffix == ".html")
