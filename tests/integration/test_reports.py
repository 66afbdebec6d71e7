"""Reports, waivers and signed bundles of a real run on lab hosts (real sshd, real WeasyPrint, real fonts)."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import xcert
from tests.integration.lab_fixture import Lab, host_of, lab_session, results

pytestmark = pytest.mark.integration

LAB_CONFIG = """\
[lab]
name = "Xinchuang Compatibility Lab"
address = "1 Example Road, Haidian, Beijing"
location = "xcert lab, rack B2"

[report]
applicant = "Example Systems Ltd."
authorised_by = "Wang Fang, Technical Manager"
"""
WAIVERS = """\
waivers:
  - check: XC-OS-007
    hosts: "lab*"
    justification: "Lab hosts take their time from the lab machine"
    expiry: 2099-12-31
    approver: "Li Wei, QA lead"
  - check: XC-OS-005
    justification: "Locale package was pending"
    expiry: 2020-01-31
    approver: "Li Wei, QA lead"
"""


@pytest.fixture(scope="module")
def lab(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Lab]:
    yield from lab_session(tmp_path_factory, "--hosts", "2", "--identity", "kylin-v10")


@pytest.fixture(scope="module")
def run(lab: Lab, tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("reports")
    (root / "lab.toml").write_text(LAB_CONFIG, encoding="utf-8")
    (root / "waivers.yml").write_text(WAIVERS, encoding="utf-8")
    out = root / "run"
    proc = xcert(
        "certify", "-i", str(lab.inventory), "--no-provision", "--out", str(out), "--format", "json,html",
        "--lab-config", str(root / "lab.toml"), "--waivers", str(root / "waivers.yml"), env=lab.env,
    )  # fmt: skip
    assert (out / "results.json").is_file(), proc.stderr
    return out


def _tool(*args: str) -> str:
    if shutil.which(args[0]) is None:
        pytest.skip(f"{args[0]} is not installed (poppler-utils, scripts/system-packages.txt)")
    return subprocess.run(args, capture_output=True, text=True, check=True, timeout=120).stdout


def test_waivers_apply_until_they_expire(run: Path) -> None:
    res = results(run)
    for name in ("lab1", "lab2"):
        checks = {c["id"]: c for c in host_of(res, name)["checks"]}
        assert checks["XC-OS-007"]["outcome"] == "waived"
        assert checks["XC-OS-007"]["waiver"]["approver"] == "Li Wei, QA lead"
        if checks["XC-OS-005"]["outcome"] != "pass":
            assert checks["XC-OS-005"]["outcome"] == "fail"
            assert checks["XC-OS-005"]["waiver"]["expired"] is True
    html = (run / "report.en.html").read_text(encoding="utf-8")
    assert "Lab hosts take their time from the lab machine" in html
    assert "Xinchuang Compatibility Lab" in html and "lab host" in html


def test_chinese_russian_arabic_and_uzbek_pdfs_carry_their_text_and_fonts(lab: Lab, run: Path, tmp_path: Path) -> None:
    # one host of the lab, certified as the module's run is: every text and font below is the report's own or
    # that host's, and five PDFs of one host's checks render in half the time of two hosts'
    root = run.parent
    run = tmp_path / "one-host"
    certified = xcert(
        "certify", "-i", str(lab.inventory), "--limit", "lab1", "--no-provision", "--out", str(run),
        "--format", "json", "--lab-config", str(root / "lab.toml"), "--waivers", str(root / "waivers.yml"),
        env=lab.env,
    )  # fmt: skip
    assert (run / "results.json").is_file(), certified.stderr
    assert [h["name"] for h in results(run)["hosts"]] == ["lab1"]
    proc = xcert("report", str(run), "--lang", "zh,ru,ar,uz,en+zh", "--format", "json,html,pdf", timeout=900)
    assert proc.returncode in (0, 1, 2), proc.stderr
    report_id = f"XC-{results(run)['run_id']}"
    for lang, words in {
        "zh": ["兼容性认证报告", "检测结果仅对被测对象有效", "实验室主机", "报告结束"],
        "ru": [
            "Отчёт о сертификации совместимости",
            "Результаты относятся только к испытанным объектам",
            "Конец отчёта",
        ],
        "ar": ["التوافق", "اعتماد", "تقرير"],
        "uz": ["Moslikni sertifikatlash hisoboti", "Hisobot oxiri", "Sinovdan oʻtkazilgan obyektlar"],
        "en+zh": ["Compatibility certification report", "兼容性认证报告"],
    }.items():
        html = (run / f"report.{lang}.html").read_text(encoding="utf-8")
        assert ('dir="rtl"' in html) == (lang == "ar")
        pdf = run / f"report.{lang}.pdf"
        text = _tool("pdftotext", "-layout", str(pdf), "-")
        flat = re.sub(r"\s+", "", text)
        for word in words:
            assert re.sub(r"\s+", "", word) in flat, (lang, word)
        pages = int(re.search(r"Pages:\s+(\d+)", _tool("pdfinfo", str(pdf))).group(1))  # type: ignore[union-attr]
        assert pages >= 2
        # pdftotext ends every page with a form feed: one call gives each page's own text
        texts = text.split("\f")
        assert len(texts) == pages + 1 and not texts[-1].strip(), (lang, len(texts), pages)
        for page, one in enumerate(texts[:pages], start=1):  # the report id and "page x of y" on every page
            assert report_id in one, (lang, page)
            if lang == "zh":
                assert f"第 {page} 页，共 {pages} 页" in one
            if lang == "ru":
                assert f"Страница {page} из {pages}" in one
            if lang == "uz":
                assert f"{pages} sahifadan {page}-sahifa" in one
        fonts = _tool("pdffonts", str(pdf))
        if lang == "ar":
            assert "Noto-Naskh-Arabic" in fonts
        if lang in ("zh", "en+zh"):
            assert re.search(r"Noto-Sans-CJK-SC\S*\s.*\byes\s+yes\s+yes\b", fonts), fonts
        _tool("pdftoppm", "-r", "40", "-png", "-f", "1", "-l", "1", str(pdf), str(tmp_path / lang))
        image = next(tmp_path.glob(f"{lang}-*1.png"))
        assert image.stat().st_size > 5000


@pytest.fixture(scope="module")
def keys(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    root = tmp_path_factory.mktemp("keys")
    proc = xcert("keygen", "--out", str(root / "k"))
    assert proc.returncode == 0, proc.stderr
    assert xcert("keygen", "--out", str(root / "other")).returncode == 0
    return root / "k", root / "other.pub"


def _without_pdfs(run: Path, tmp_path: Path) -> Path:
    """A copy of the run without its PDFs: a bundle re-renders every report it carries (seconds a PDF)."""
    copy = tmp_path / "run-copy"
    shutil.copytree(run, copy, ignore=shutil.ignore_patterns("*.pdf", ".lock"))
    return copy


def test_bundle_verify_and_every_kind_of_tampering(run: Path, keys: tuple[Path, Path], tmp_path: Path) -> None:
    key, other_pub = keys
    run = _without_pdfs(run, tmp_path)
    bundle = tmp_path / "run.xcb"
    proc = xcert("bundle", str(run), "--key", str(key), "--out", str(bundle), timeout=600)
    assert proc.returncode == 0, proc.stderr
    ok = xcert("verify", str(bundle), "--pubkey", f"{key}.pub")
    assert ok.returncode == 0, ok.stderr
    assert "every byte as signed" in ok.stdout
    digest = re.search(r"evidence digest: (sha256:\w+)", ok.stdout).group(1)  # type: ignore[union-attr]
    # the report inside the bundle shows the same digest and the key's fingerprint
    assert digest in proc.stdout
    data = bundle.read_bytes()
    for name, changed in {
        "flip": data[:5000] + bytes([data[5000] ^ 0x20]) + data[5001:],
        "add": data + b"\0",
        "remove": data[:-1],
    }.items():
        tampered = tmp_path / f"{name}.xcb"
        tampered.write_bytes(changed)
        bad = xcert("verify", str(tampered), "--pubkey", f"{key}.pub")
        assert bad.returncode == 1, (name, bad.stdout)
        assert "NOT VERIFIED" in bad.stderr
    other = xcert("verify", str(bundle), "--pubkey", str(other_pub))
    assert other.returncode == 1 and "signature:" in other.stderr


def test_a_redacted_bundle_holds_no_host_name_address_or_user(
    run: Path, keys: tuple[Path, Path], tmp_path: Path
) -> None:
    key, _ = keys
    run = _without_pdfs(run, tmp_path)
    bundle = tmp_path / "redacted.xcb"
    proc = xcert("bundle", str(run), "--key", str(key), "--redact", "--out", str(bundle), timeout=600)
    assert proc.returncode == 0, proc.stderr
    assert xcert("verify", str(bundle), "--pubkey", f"{key}.pub").returncode == 0
    data = bundle.read_bytes()
    res = results(run)
    meta = json.loads((run / "run.json").read_text(encoding="utf-8"))
    secrets = {h.get("user") for h in meta["hosts"]}
    for host in res["hosts"]:
        secrets |= {host["name"], host["slug"], host.get("address"), host["facts"].get("hostname")}
        for iface in host["facts"].get("interfaces", []):
            secrets.add(iface.get("mac"))
            secrets |= {a.split("/")[0].split("%")[0] for a in iface.get("addresses", [])}
    secrets -= {None, ""}
    assert len(secrets) >= 5
    for secret in secrets:
        assert str(secret).encode() not in data, secret
    # nothing that looks like an IPv4 or MAC address is left anywhere, evidence included
    assert not re.findall(rb"(?<![\d.])(?:\d{1,3}\.){3}\d{1,3}(?![\d.])", data)
    assert not re.findall(rb"(?<![0-9a-f:])(?:[0-9a-f]{2}:){5}[0-9a-f]{2}(?![0-9a-f:])", data)
    assert b"host-1" in data and b"Host names, IP and MAC addresses" in data
