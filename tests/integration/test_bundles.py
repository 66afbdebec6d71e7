"""Bundles on the lab: real runs of hosts presenting Kylin, UOS and openEuler identities (a PostgreSQL
database host among them) and of the local host, merged into a matrix whose every cell is checked
against the runs' own results.json; the cross-host checks pass on a healthy lab and fail, with evidence,
on a closed database port; `xcert diff` names a changed identity; the HTML grid is screenshotted. (The
aarch64 host as a cell of its own: tests/integration/test_lab_aarch64.py, which runs last.)"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.conftest import ROOT, xcert
from tests.integration.lab_fixture import Lab, host_of, lab_session, results
from tests.unit.bundles.expect import assert_cells_match

pytestmark = pytest.mark.integration

LAB_BUNDLE = ROOT / "tests" / "integration" / "bundles" / "lab-bundle.yml"
EXAMPLE = ROOT / "inventories" / "bundles" / "tianjin-example.yml"
ROLES = {"lab1": "database", "lab2": "application", "lab3": "application"}
WAIVERS = """\
waivers:
  - check: XC-OS-005
    hosts: "lab*"
    justification: "lab hosts share the controller's locales; the production hosts carry zh_CN.UTF-8"
    expiry: 2099-12-31
    approver: "xcert bundle tests"
  - check: XC-OS-007
    hosts: "lab*"
    justification: "lab hosts share the controller's clock: they are network namespaces of one machine"
    expiry: 2099-12-31
    approver: "xcert bundle tests"
"""


@pytest.fixture(scope="module")
def lab(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Lab]:
    yield from lab_session(
        tmp_path_factory,
        "--hosts",
        "3",
        "--identity",
        "kylin-v10",
        "--identity",
        "uos-20",
        "--identity",
        "openeuler-20.03",
        "--db",
        "postgresql",
    )


def with_roles(lab: Lab, path: Path, closed_port: int | None = None) -> Path:
    assert lab.inventory is not None
    inv = yaml.safe_load(lab.inventory.read_text(encoding="utf-8"))
    hosts = inv["all"]["children"]["xcert_lab"]["hosts"]
    for name, role in ROLES.items():
        hosts[name]["xc_role"] = role
    if closed_port is not None:  # the database host declares a port nothing listens on
        extra = dict(hosts["lab1"]["xc_db_targets"][0], name="postgresql-closed", port=closed_port)
        hosts["lab1"]["xc_db_targets"].append(extra)
    path.write_text(yaml.safe_dump(inv), encoding="utf-8")
    return path


def certify(lab: Lab, inventory: Path, out: Path, *extra: str) -> dict[str, Any]:
    proc = xcert(
        "certify", "-i", str(inventory), "--profile", "quick", "--no-provision", "--out", str(out), *extra, env=lab.env
    )
    assert (out / "results.json").is_file(), proc.stderr
    return results(out)


@pytest.fixture(scope="module")
def runs(lab: Lab, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    base = tmp_path_factory.mktemp("bundle-runs")
    waivers = base / "waivers.yml"
    waivers.write_text(WAIVERS, encoding="utf-8")
    inventory = with_roles(lab, base / "roles.yml")
    out = {"certified": base / "tianjin" / "run-a", "plain": base / "tashkent" / "run-a", "local": base / "local"}
    certify(lab, inventory, out["certified"], "--waivers", str(waivers), "--format", "json,html")
    # the same run directory name from a second "controller": a second source, not a collision
    certify(lab, inventory, out["plain"], "--limit", "lab1", "--format", "json,html")
    proc = xcert("certify", "--profile", "quick", "--out", str(out["local"]), "--format", "json")
    assert (out["local"] / "results.json").is_file(), proc.stderr
    return out


def test_cross_host_checks_pass_on_a_healthy_lab(runs: dict[str, Path]) -> None:
    res = results(runs["certified"])
    bundle = host_of(res, "bundle")
    assert bundle["connection"] == "integration" and bundle["verdict"] == "CERTIFIED", bundle
    by = {(c["id"], c["subject"]): c for c in bundle["checks"]}
    assert by[("XC-INT-001", "lab2->lab1:5432")]["outcome"] == "pass"
    assert by[("XC-INT-001", "lab3->lab1:5432")]["outcome"] == "pass"
    assert by[("XC-INT-002", "")]["outcome"] == "pass"
    assert by[("XC-INT-002", "")]["measurements"]["skew"]["value"] < 1000
    assert by[("XC-INT-003", "")]["outcome"] == "pass"
    for check in bundle["checks"]:
        assert check["evidence"] and all((runs["certified"] / e).is_file() for e in check["evidence"])
    assert res["verdict"] == "CERTIFIED"


def test_cross_host_check_fails_with_evidence_on_a_closed_database_port(lab: Lab, tmp_path: Path) -> None:
    inventory = with_roles(lab, tmp_path / "closed.yml", closed_port=5999)
    out = tmp_path / "run"
    netns = lab.host("lab2")["netns"]
    mtu = ["ip", "netns", "exec", netns, "ip", "link", "set", "eth0", "mtu"]
    subprocess.run([*mtu, "1400"], check=True, timeout=10)  # and one MTU unlike the others
    try:
        res = certify(lab, inventory, out, "--limit", "lab1:lab2")
    finally:
        subprocess.run([*mtu, "1500"], check=True, timeout=10)
    bundle = host_of(res, "bundle")
    by = {(c["id"], c["subject"]): c for c in bundle["checks"]}
    assert by[("XC-INT-001", "lab2->lab1:5432")]["outcome"] == "pass"
    closed = by[("XC-INT-001", "lab2->lab1:5999")]
    assert closed["outcome"] == "fail", closed
    assert "10.213" in closed["message"] and "5999" in closed["message"]
    evidence = json.loads((out / closed["evidence"][0]).read_text(encoding="utf-8"))
    assert evidence["host"] == "lab2" and evidence["rc"] != 0 and evidence["stdout"].startswith("closed")
    assert evidence["stdin"].split()[1] == "5999"
    mtus = by[("XC-INT-003", "")]
    assert mtus["outcome"] == "fail" and "lab1=1500, lab2=1400" in mtus["message"], mtus
    assert bundle["verdict"] == "NOT_CERTIFIED" and res["verdict"] == "NOT_CERTIFIED"


def test_matrix_cells_gaps_and_bundle_verdicts(runs: dict[str, Path], tmp_path: Path) -> None:
    dirs = [runs["certified"], runs["plain"], runs["local"]]
    out = tmp_path / "m"
    proc = xcert(
        "matrix", *map(str, dirs), "--bundle", str(LAB_BUNDLE), "--out", str(out), "--format", "json,html,xlsx"
    )
    m = json.loads((out / "matrix.json").read_text(encoding="utf-8"))
    assert_cells_match(m, dirs)
    os_ids = {c["combination"]["os"]["id"] for c in m["cells"]}
    assert {"kylin-server-v10-sp2", "uos-server-20", "openeuler-20.03-lts"} <= os_ids
    kylin = next(c for c in m["cells"] if c["combination"]["os"]["id"] == "kylin-server-v10-sp2")
    # two runs from two places disagree on the database host: both stay, newest first, the newest decides
    assert len(kylin["sources"]) == 2 and kylin["disagree"]
    # both were made with --out run-a on "two controllers"; run ids are never a folder name, and the
    # matrix keeps them apart by run_uid even where two ids coincide
    assert kylin["sources"][0]["run_uid"] != kylin["sources"][1]["run_uid"]
    assert kylin["verdict"] == kylin["sources"][0]["verdict"] == "NOT_CERTIFIED"
    assert m["bundle"]["verdict"] == "NOT_CERTIFIED" and proc.returncode == 1, proc.stderr
    db = next(r for r in m["bundle"]["roles"] if r["name"] == "database")
    assert db["problems"][0]["kind"] == "failed" and db["problems"][0]["host"] == "lab1"
    assert {"XC-OS-005", "XC-OS-007"} <= set(db["problems"][0]["checks"])
    # without the later failing run, every role has a current certified result: CERTIFIED
    # the later run held the database host alone: its cross-host checks do not stand for the bundle's
    certified_uid = next(r["run_uid"] for r in m["runs"] if r["dir"] == str(runs["certified"]))
    assert m["bundle"]["cross_host"]["run_uid"] == certified_uid
    proc = xcert(
        "matrix",
        str(runs["certified"]),
        str(runs["local"]),
        "--bundle",
        str(LAB_BUNDLE),
        "--out",
        str(tmp_path / "ok"),
        "--format",
        "json,html,pdf",
        "--lang",
        "en,zh",
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    ok = json.loads((tmp_path / "ok" / "matrix.json").read_text(encoding="utf-8"))
    assert_cells_match(ok, [runs["certified"], runs["local"]])
    assert ok["bundle"]["verdict"] == "CERTIFIED" and ok["bundle"]["cross_host"]["verdict"] == "CERTIFIED"
    if shutil.which("pdftotext"):
        text = subprocess.run(
            ["pdftotext", str(tmp_path / "ok" / "certificate.zh.pdf"), "-"], capture_output=True, text=True, check=True
        ).stdout
        assert "组合方案证书" in text and certified_uid.split("@")[1] in text.replace("\n", "")
        assert (
            "兼容性矩阵"
            in subprocess.run(
                ["pdftotext", str(tmp_path / "ok" / "matrix.zh.pdf"), "-"], capture_output=True, text=True, check=True
            ).stdout
        )
    # the certificate is signed like a run, and verified offline
    key = tmp_path / "key"
    assert xcert("keygen", "--out", str(key)).returncode == 0
    signed = tmp_path / "bundle.xcb"
    proc = xcert("bundle", str(tmp_path / "ok"), "--key", str(key), "--out", str(signed))
    assert proc.returncode == 0, proc.stderr
    proc = xcert("verify", str(signed), "--pubkey", str(key) + ".pub")
    assert proc.returncode == 0 and "verdict: CERTIFIED" in proc.stdout, proc.stdout + proc.stderr
    for cell in m["cells"]:
        for source in cell["sources"]:
            assert (out / source["report"]).resolve().is_file()
    # a database minor version nobody tested, inherited by EQ-DB-PG-MINOR from the lab's PostgreSQL 15 host
    wanted = tmp_path / "minor.yml"
    wanted.write_text(LAB_BUNDLE.read_text(encoding="utf-8").replace('">=15,<16"', '"==15.99"'), encoding="utf-8")
    proc = xcert("matrix", str(runs["certified"]), "--bundle", str(wanted), "--out", str(tmp_path / "inh"))
    inh = json.loads((tmp_path / "inh" / "matrix.json").read_text(encoding="utf-8"))
    assert_cells_match(inh, [runs["certified"]])  # tested cells only; the inherited one is extra
    (cell,) = [c for c in inh["cells"] if not c["tested"]]
    lab1 = host_of(results(runs["certified"]), "lab1")
    assert cell["inherited_from"]["rule"] == "EQ-DB-PG-MINOR" and cell["inherited_from"]["host"] == "lab1"
    assert cell["inherited_from"]["run_id"] == results(runs["certified"])["run_id"]
    assert cell["verdict"] == lab1["verdict"]
    assert cell["combination"]["db"] == {"id": "postgresql", "version": "==15.99"}
    assert inh["bundle"]["verdict"] == "INCOMPLETE" and proc.returncode == 2  # inherited is never tested
    # the shipped example: incomplete, every gap named
    proc = xcert("matrix", *map(str, dirs), "--bundle", str(EXAMPLE), "--out", str(tmp_path / "ex"), "--json")
    assert proc.returncode == 2, proc.stderr
    ex = json.loads((tmp_path / "ex" / "matrix.json").read_text(encoding="utf-8"))
    assert ex["bundle"]["verdict"] == "INCOMPLETE" and len(ex["gaps"]) == 10


def test_the_html_grid_renders_in_chromium(runs: dict[str, Path], tmp_path: Path) -> None:
    chromium = shutil.which("chromium")
    if chromium is None:
        pytest.skip("chromium is not installed (scripts/system-packages.txt lists it)")
    out = tmp_path / "m"
    proc = xcert(
        "matrix",
        str(runs["certified"]),
        str(runs["plain"]),
        str(runs["local"]),
        "--bundle",
        str(LAB_BUNDLE),
        "--out",
        str(out),
        "--format",
        "html",
    )
    assert proc.returncode == 1, proc.stderr  # the bundle is NOT_CERTIFIED (the later run of lab1 failed)
    shot = tmp_path / "matrix.png"
    subprocess.run(
        [
            chromium,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            f"--user-data-dir={tmp_path / 'chr'}",
            "--window-size=1400,1000",
            f"--screenshot={shot}",
            (out / "matrix.html").as_uri(),
        ],
        capture_output=True,
        timeout=60,
        check=False,
    )
    assert shot.is_file() and shot.stat().st_size > 20_000
    # the layer filters, from a link: only the UOS cells stay shown
    dom = subprocess.run(
        [
            chromium,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            f"--user-data-dir={tmp_path / 'chr'}",
            "--dump-dom",
            (out / "matrix.html").as_uri() + "?os=uos-server-20",
        ],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    ).stdout
    rows = re.findall(r'<tr class="xc-cell[^"]*"([^>]*)>', dom)
    assert rows and all(('data-os="uos-server-20"' in r) != ("display: none" in r) for r in rows), rows
    keep = ROOT / "reports" / "matrix-screenshot.png"  # for a person to look at; reports/ is not in git
    shutil.copyfile(shot, keep)


def test_diff_names_a_changed_identity(lab: Lab, runs: dict[str, Path], tmp_path: Path) -> None:
    """lab2 presented UOS in the certified run; rebuilt presenting openEuler, certified again (the last use
    of the module's lab: it is rebuilt here)."""
    lab.down()
    lab.up("--hosts", "3", "--identity", "kylin-v10", "--identity", "openeuler-20.03", "--db", "postgresql")
    assert lab.inventory is not None
    certify(lab, lab.inventory, tmp_path / "after", "--limit", "lab2")
    before = str(runs["certified"])
    proc = xcert("diff", before, str(tmp_path / "after"), "--json")
    assert proc.returncode == 0, proc.stderr
    diff = json.loads(proc.stdout)
    host = next(h for h in diff["hosts"] if h["host"] == "lab2")
    assert host["changed"] and host["only_in"] is None
    os_change = next(c for c in host["components"] if c["layer"] == "os")
    assert os_change["before"]["id"] == "uos-server-20" and os_change["after"]["id"] == "openeuler-20.03-lts"
    assert [c["layer"] for c in host["components"]] == ["os"]
    assert {h["host"]: h["only_in"] for h in diff["hosts"] if h["host"] != "lab2"} == {
        "lab1": "before",
        "lab3": "before",
    }
    text = xcert("diff", before, str(tmp_path / "after")).stdout
    assert "os: uos-server-20 fou -> openeuler-20.03-lts 20.03 (LTS)" in text
