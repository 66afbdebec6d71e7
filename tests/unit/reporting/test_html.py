from __future__ import annotations

import hashlib
import json
import re
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from harness.i18n import available_languages, catalog
from harness.reporting import vocab
from harness.reporting.html import page_of_css, render_html

LAB = """\
[lab]
name = "Xinchuang Compatibility Lab"
address = "1 Example Road, Beijing"
location = "Rack B2"

[report]
applicant = "Example Systems Ltd."
authorised_by = "Wang Fang, Technical Manager"
"""


def _check(cid: str, outcome: str, **extra: Any) -> dict[str, Any]:
    return {
        "id": cid,
        "layer": "os",
        "severity": "mandatory",
        "title": "Time is synchronised",
        "requirement": "A time daemon keeps the clock in step.",
        "remedy": "Run chronyd.",
        "outcome": outcome,
        "message": f"message of {cid}",
        "message_key": "",
        "message_args": {},
        "duration_s": 0.1,
        "evidence": ["evidence/h1/00001-facts.json"],
        "measurements": {"page_size": {"value": 4096, "unit": "bytes"}},
        **extra,
    }


def _results() -> dict[str, Any]:
    waiver = {
        "id": "XC-OS-005",
        "host_pattern": "*",
        "justification": "Locale package pending",
        "expiry": "2026-01-31",
        "approver": "Li Wei",
        "expired": False,
    }
    checks = [
        _check("XC-OS-001", "pass"),
        _check("XC-OS-002", "not_applicable", message="Does not apply: no GB18030 required"),
        _check("XC-OS-005", "waived", waiver=waiver),
        _check("XC-OS-007", "fail", waiver=dict(waiver, id="XC-OS-007", expiry="2020-01-01", expired=True)),
    ]
    host = {
        "name": "h1",
        "slug": "h1",
        "lab": True,
        "reachable": True,
        "unreachable": None,
        "stack": {
            "declared": {"os": "kylin-v10"},
            "detected": {"os": {"product": "Kylin Linux Advanced Server", "version": "V10 SP3", "arch": "aarch64"}},
        },
        "facts": {"kernel": "4.19.90", "glibc": "2.28", "page_size": 65536, "arch": "aarch64"},
        "verdict": "NOT_CERTIFIED",
        "undecided": [],
        "checks": checks,
    }
    return {
        "schema": "xcert-results/1",
        "run_id": "20261124T070000Z-abc123",
        "started": "2026-11-24T07:00:00Z",
        "finished": "2026-11-24T07:01:00Z",
        "complete": True,
        "tool": {"name": "xcert", "version": "0.1.0", "suite_digest": "sha256:feed"},
        "profile": "quick",
        "verdict": "NOT_CERTIFIED",
        "hosts": [host],
    }


@pytest.fixture
def run_dir(tmp_path: Path) -> Path:
    (tmp_path / "evidence" / "h1").mkdir(parents=True)
    (tmp_path / "evidence" / "h1" / "00001-facts.json").write_text('{"kind": "document"}', encoding="utf-8")
    (tmp_path / "results.json").write_text(json.dumps(_results()), encoding="utf-8")
    (tmp_path / "report.en.html").write_text("old", encoding="utf-8")
    return tmp_path


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_the_report_carries_what_iso_17025_asks_for(run_dir: Path) -> None:
    (run_dir / "lab.toml").write_text(LAB, encoding="utf-8")
    html = render_html(_results(), "en", run_dir, issued=date(2026, 11, 24))
    text = _text(html)
    for expected in (
        "Compatibility certification report",
        "Report id XC-20261124T070000Z-abc123",
        "Xinchuang Compatibility Lab",
        "1 Example Road, Beijing",
        "Where the tests ran Rack B2",
        "Applicant Example Systems Ltd.",
        "Authorised by Wang Fang, Technical Manager",
        "Test dates 2026-11-24T07:00:00Z — 2026-11-24T07:01:00Z",
        "Issue date 2026-11-24",
        "profile quick",
        "sha256:feed",
        "Kylin Linux Advanced Server",
        "kylin-v10",
        "V10 SP3",
        "lab host",
        "page_size = 4096 bytes",
        "Decision rule:",
        "The results relate only to the items tested.",
        "Does not apply: no GB18030 required",
        "Locale package pending",
        "expired: not applied",
        "End of report",
    ):
        assert expected in text, expected
    assert "Valid until" not in text  # never invented
    assert "counter(page)" in html and "counter(pages)" in html
    digest = hashlib.sha256(b'{"kind": "document"}').hexdigest()
    assert f"evidence/h1/00001-facts.json {digest}" in text  # the appendix
    assert "report.en.html" not in text  # a report is not its own evidence
    assert "data:image/svg+xml" in html  # the QR code


def test_a_validity_period_shows_only_when_the_lab_sets_one(run_dir: Path) -> None:
    (run_dir / "lab.toml").write_text(LAB + "validity_months = 12\n", encoding="utf-8")
    text = _text(render_html(_results(), "en", run_dir, issued=date(2026, 2, 28)))
    assert "Valid until 2027-02-28" in text


def test_without_a_lab_config_the_report_says_so(run_dir: Path) -> None:
    text = _text(render_html(_results(), "en", run_dir))
    assert "Not configured: no lab config was given" in text
    assert "Not signed" in text


def test_a_seal_shows_the_key_fingerprint(run_dir: Path) -> None:
    seal = {"evidence_digest": "sha256:abc", "key_fingerprint": "SHA256:def", "redacted": True}
    text = _text(render_html(_results(), "en", run_dir, seal=seal))
    assert "SHA256:def" in text and "sha256:abc" in text and "replaced by placeholders" in text


def test_chinese_russian_and_bilingual_editions(run_dir: Path) -> None:
    zh = _text(render_html(_results(), "zh", run_dir))
    ru = _text(render_html(_results(), "ru", run_dir))
    both = _text(render_html(_results(), "en+zh", run_dir))
    assert "兼容性认证报告" in zh and "未通过认证" in zh and "检测结果仅对被测对象有效" in zh
    assert "Отчёт о сертификации совместимости" in ru and "Не сертифицирован" in ru
    assert "Compatibility certification report / 兼容性认证报告" in both


@pytest.mark.parametrize("lang", [lang for lang in available_languages() if lang != "en"])
def test_every_data_word_is_translated(lang: str) -> None:
    have = catalog(lang)
    words = [*vocab.OUTCOMES, *vocab.VERDICTS, *vocab.SEVERITIES, *vocab.LAYER_NAMES, *vocab.UNITS, vocab.PAGE_OF]
    assert [w for w in words if w not in have] == []
    assert "{page}" in have[vocab.PAGE_OF] and "{pages}" in have[vocab.PAGE_OF]


def test_page_counter_css_keeps_the_translation_around_the_counters() -> None:
    css = str(page_of_css("zh"))
    assert css.index("counter(page)") < css.index("counter(pages)")
    assert css.startswith('"第 " counter(page)')


def test_an_unreachable_host_is_reported_as_such_never_as_failed_checks(run_dir: Path) -> None:
    results = _results()
    host = results["hosts"][0]
    host.update(
        reachable=False,
        unreachable={"reason": "refused", "detail": "port 22", "lost_mid_run": False},
        stack={"declared": {"os": "kylin-v10"}, "detected": {}},
        facts={},
        checks=[],
        verdict="INCOMPLETE",
        undecided=["XC-OS-001"],
    )
    results["verdict"] = "INCOMPLETE"
    text = _text(render_html(results, "ru", run_dir))
    assert "Хост недоступен: соединение отклонено" in text
    assert "Не завершено" in text
    assert "XC-OS-001" in text  # listed as not decided
