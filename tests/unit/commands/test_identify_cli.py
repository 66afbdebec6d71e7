"""``xcert identify`` end to end through the real command line."""

from __future__ import annotations

import json
import tarfile
from pathlib import Path

from tests.conftest import xcert

LAYERS = ("cpu", "os", "db", "server", "middleware")


def write_snapshot(root: Path, files: dict[str, str], commands: dict[str, str]) -> Path:
    for path, text in files.items():
        target = root / "files" / path.lstrip("/")
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    for name, text in commands.items():
        (root / "commands").mkdir(parents=True, exist_ok=True)
        (root / "commands" / f"{name}.txt").write_text(text, encoding="utf-8")
    return root


def test_partial_snapshot_json(tmp_path: Path) -> None:
    snap = write_snapshot(
        tmp_path / "s",
        {
            "/etc/os-release": 'NAME="Kylin Linux Advanced Server"\nVERSION="V10 (Sword)"\nID="kylin"\nVERSION_ID="V10"\n'
        },
        {"uname-m": "aarch64\n", "db-version": "DM Database Server 64 V8\nDB Version: 0x7000c\n"},
    )
    done = xcert("identify", "--snapshot", str(snap), "--json")
    assert done.returncode == 0, done.stderr
    out = json.loads(done.stdout)
    for layer in LAYERS:
        for key in ("vendor", "product", "version", "arch", "xinchuang", "catalog_id", "evidence", "confidence"):
            assert key in out[layer]
    assert out["os"]["catalog_id"] == "kylin-server-v10-sp2"
    assert out["db"]["catalog_id"] == "dm8" and out["db"]["details"]["default_port"] == 5236
    assert out["cpu"]["catalog_id"] is None and out["cpu"]["arch"] == "aarch64"
    assert all(out[layer]["xinchuang"] in (True, False) for layer in LAYERS)
    assert out["cpu"]["xinchuang"] is False and out["os"]["xinchuang"] is True
    assert out["consistent"] is True and out["issues"] == []


def test_tarball_with_top_folder_and_inconsistent_identity(tmp_path: Path) -> None:
    snap = write_snapshot(
        tmp_path / "host1",
        {"/proc/cpuinfo": "processor\t: 0\nCPU implementer\t: 0x48\nCPU architecture: 8\nCPU part\t: 0xd01\n"},
        {"uname-m": "x86_64\n"},
    )
    archive = tmp_path / "host1.tar.gz"
    with tarfile.open(archive, "w:gz") as tar:
        tar.add(snap, arcname="host1")
    done = xcert("identify", "--snapshot", str(archive), "--json")
    out = json.loads(done.stdout)
    assert out["cpu"]["catalog_id"] == "kunpeng-920"
    assert out["consistent"] is False and "uname -m says x86_64" in out["issues"][0]
    table = xcert("identify", "--snapshot", str(archive))
    assert "consistent: NO" in table.stdout and "the CPU (Kunpeng 920) says aarch64" in table.stdout


def test_bad_snapshots_exit_3_without_traceback(tmp_path: Path) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    junk = tmp_path / "junk.tar.gz"
    junk.write_bytes(b"\x00not a tarball")
    for path in (empty, junk, tmp_path / "missing"):
        done = xcert("identify", "--snapshot", str(path))
        assert done.returncode == 3 and "Traceback" not in done.stderr and str(path) in done.stderr


def test_binary_files_in_a_snapshot_are_unknown_not_a_crash(tmp_path: Path) -> None:
    root = tmp_path / "s"
    (root / "files" / "etc").mkdir(parents=True)
    (root / "files" / "etc" / "os-release").write_bytes(b"\xff\xfe\x00\x81garbage")
    (root / "commands").mkdir()
    (root / "commands" / "lscpu.txt").write_bytes(b"\x00" * 100)
    done = xcert("identify", "--snapshot", str(root), "--json")
    assert done.returncode == 0, done.stderr
    out = json.loads(done.stdout)
    assert out["os"]["catalog_id"] is None and out["os"]["reason"].startswith("unknown")


def test_live_localhost_default_inventory() -> None:
    done = xcert("identify", "--json")
    assert done.returncode == 0, done.stderr
    out = json.loads(done.stdout)
    assert out["host"] == "localhost" and out["cpu"]["arch"] and out["os"]["catalog_id"]
    assert out["mismatches"] == []


def test_inventory_hosts_with_declared_stack(tmp_path: Path) -> None:
    write_snapshot(
        tmp_path / "h1",
        {"/etc/os-release": 'NAME="openEuler"\nVERSION="22.03 (LTS-SP1)"\nID="openEuler"\nVERSION_ID="22.03"\n'},
        {"uname-m": "aarch64\n", "lscpu": "Architecture: aarch64\nVendor ID: HiSilicon\nModel name: Kunpeng-920\n"},
    )
    write_snapshot(
        tmp_path / "h2", {"/etc/os-release": 'ID=uos\nNAME="uos"\nVERSION_ID="20"\n'}, {"uname-m": "x86_64\n"}
    )
    inventory = tmp_path / "inv.yml"
    inventory.write_text(
        "all:\n  hosts:\n"
        "    h1: {xc_snapshot: h1, xc_cpu: Kunpeng, xc_os: openeuler-22.03-lts}\n"
        "    h2: {xc_snapshot: h2, xc_os: kylin-desktop-v10}\n"
    )
    done = xcert("identify", "-i", str(inventory), "--json")
    assert done.returncode == 0, done.stderr
    records = {r["host"]: r for r in json.loads(done.stdout)}
    assert records["h1"]["mismatches"] == []  # a declared family (Kunpeng, an LTS line) covers its members
    assert records["h1"]["os"]["catalog_id"] == "openeuler-22.03-lts-sp1"
    assert records["h2"]["mismatches"] == [
        {"layer": "os", "declared": "kylin-desktop-v10", "detected": "uos-desktop-20"}
    ]
    one = xcert("identify", "-i", str(inventory), "--limit", "h2")
    assert one.returncode == 0 and "declared os kylin-desktop-v10 but detected uos-desktop-20" in one.stdout
