"""matrix.xlsx holds the same cells as matrix.json; the HTML is escaped and shows colour and text;
`xcert diff` and the cross-host checks' parsers on captured output."""

from __future__ import annotations

import json
from pathlib import Path

from harness.bundles.combination import read_run
from harness.bundles.diff import diff_runs
from harness.bundles.integration import load_suite
from tests.conftest import ROOT, xcert

DATA = Path(__file__).resolve().parent / "data"
PLAIN, ROLES = DATA / "lab-plain", DATA / "lab-roles"
LAB_BUNDLE = ROOT / "tests" / "integration" / "bundles" / "lab-bundle.yml"


def test_xlsx_and_html_hold_the_cells(tmp_path: Path) -> None:
    from openpyxl import load_workbook

    out = tmp_path / "m"
    proc = xcert(
        "matrix",
        str(PLAIN),
        str(ROLES),
        "--bundle",
        str(LAB_BUNDLE),
        "--out",
        str(out),
        "--format",
        "json,html,xlsx",
        "--lang",
        "en,zh",
        "--json",
    )
    assert proc.returncode == 0, proc.stderr
    summary = json.loads(proc.stdout)
    assert summary["bundle_verdict"] == "CERTIFIED"
    m = json.loads((out / "matrix.json").read_text(encoding="utf-8"))
    sheet = load_workbook(out / "matrix.xlsx")["matrix"]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "key"
    assert [(r[0], r[6].split(" ")[0]) for r in rows[1:]] == [(c["key"], c["verdict"]) for c in m["cells"]]
    html = (out / "matrix.html").read_text(encoding="utf-8")
    assert "v-CERTIFIED" in html and "✔" in html and "✘" in html  # colour classes and symbols with words
    assert html.count('class="badge xc-cell') == len(m["cells"])
    zh = (out / "matrix.zh.html").read_text(encoding="utf-8")
    assert "兼容性矩阵" in zh
    cert = (out / "certificate.en.html").read_text(encoding="utf-8")
    assert "XC-run2" in cert and m["runs"][1]["evidence_digest"] in cert


def test_html_escapes_hostile_host_names(tmp_path: Path) -> None:
    import shutil

    run = tmp_path / "evil"
    shutil.copytree(ROLES, run)
    results = json.loads((run / "results.json").read_text(encoding="utf-8"))
    results["hosts"][0]["name"] = "<script>alert(1)</script>"
    results["hosts"][1]["name"] = '=HYPERLINK("http://192.0.2.1/","x")'
    (run / "results.json").write_text(json.dumps(results), encoding="utf-8")
    proc = xcert("matrix", str(run), "--out", str(tmp_path / "m"), "--format", "json,html,xlsx")
    assert proc.returncode == 0, proc.stderr
    html = (tmp_path / "m" / "matrix.html").read_text(encoding="utf-8")
    assert "<script>alert(1)" not in html and "&lt;script&gt;alert(1)" in html
    from openpyxl import load_workbook

    cells = [c for row in load_workbook(tmp_path / "m" / "matrix.xlsx")["matrix"].iter_rows() for c in row]
    hostile = [c for c in cells if "HYPERLINK" in str(c.value)]
    assert hostile and all(c.data_type == "s" for c in hostile)


def test_bad_run_directories_are_exit_3_naming_the_file(tmp_path: Path) -> None:
    (tmp_path / "results.json").write_text('{"schema": "xcert-results/1", "run_id": 7}', encoding="utf-8")
    for args in (("matrix", str(tmp_path), "--out", str(tmp_path / "m")), ("diff", str(tmp_path), str(ROLES))):
        proc = xcert(*args)
        assert proc.returncode == 3, proc.stderr
        (line,) = proc.stderr.strip().splitlines()
        assert line.startswith(f"xcert: {tmp_path / 'results.json'}")
    proc = xcert("matrix", str(tmp_path / "nowhere"), "--out", str(tmp_path / "m"))
    assert proc.returncode == 3 and "not found" in proc.stderr


def test_diff_names_changed_checks() -> None:
    d = diff_runs(read_run(PLAIN), read_run(ROLES))
    hosts = {h["host"]: h for h in d["hosts"]}
    assert hosts["lab4"]["only_in"] == "before"
    assert hosts["lab1"]["verdict"] == {"before": "NOT_CERTIFIED", "after": "CERTIFIED"}
    assert {c["check"] for c in hosts["lab1"]["checks"]} >= {"XC-OS-005", "XC-OS-007"}
    assert hosts["lab1"]["components"] == []


def test_cross_host_parsers() -> None:
    suite = load_suite()
    links = (
        "1: lo: <LOOPBACK,UP,LOWER_UP> mtu 65536 qdisc noqueue state UNKNOWN mode DEFAULT\n"
        "2: eth0@if7: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1450 qdisc noqueue state UP mode DEFAULT\n"
        "---\n"
        "1: lo    inet 127.0.0.1/8 scope host lo\\       valid_lft forever preferred_lft forever\n"
        "2: eth0    inet 10.213.77.11/24 scope global eth0\\       valid_lft forever preferred_lft forever\n"
    )
    assert suite.parse_links(links) == ({"lo": 65536, "eth0": 1450}, {"127.0.0.1": "lo", "10.213.77.11": "eth0"})
    assert suite.parse_resolved("lab1 10.0.0.1\nlab2\n") == {"lab1": frozenset({"10.0.0.1"}), "lab2": frozenset()}


def test_clock_skew_is_judged_only_when_the_measurement_decides() -> None:
    suite = load_suite()
    offsets = suite.clock_offsets({"a": (100.0, 100.05, 100.1), "b": (100.0, 101.55, 100.1)})
    assert suite.skew_verdict(offsets)[0] == "fail"  # 1.5 s apart, ± 0.1 s
    assert suite.skew_verdict(suite.clock_offsets({"a": (0.0, 0.01, 0.02), "b": (0.0, 0.3, 0.02)}))[0] == "pass"
    assert suite.skew_verdict(suite.clock_offsets({"a": (0.0, 0.0, 0.4), "b": (0.0, 1.1, 0.4)}))[0] == "undecided"


def test_name_resolution_check_passes_when_hosts_resolve_alike(tmp_path: Path) -> None:
    """XC-INT-004's pass path through the real CrossHost and local transports (one resolver for both)."""
    from harness.bundles.crosshost import CrossHost
    from harness.checks import CheckContext
    from harness.evidence import EvidenceStore
    from harness.inventory import HostSpec
    from harness.redact import SecretFilter

    suite = load_suite()
    specs = [
        HostSpec(name="localhost", connection="local", address="127.0.0.1", role="application"),
        HostSpec(name="no-such-host.invalid", connection="local", address="127.0.0.1", role="database"),
    ]
    view = CrossHost(tmp_path, specs, {}, EvidenceStore(tmp_path, "bundle", SecretFilter(())))
    ctx = CheckContext(suite.check_names.xcert_check)
    view.current = ctx
    suite.check_names(view, ctx, None)
    assert ctx.message == "Every host resolves 2 names alike"
    assert len(ctx.evidence) == 2 and all((tmp_path / e).is_file() for e in ctx.evidence)
    view.close()
