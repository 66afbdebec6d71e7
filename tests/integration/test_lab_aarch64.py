"""The aarch64 lab host: an arm64 Debian root (debootstrap + qemu-user) with its own sshd, certified over SSH,
and its run a matrix cell of its own beside this machine's (x86_64) run.

Runs last (``late``): scripts/test.sh builds the arm64 root in the background meanwhile."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import xcert
from tests.integration.lab_fixture import Lab, host_of, lab_session, require_lab_tools, results
from tests.unit.bundles.expect import assert_cells_match

pytestmark = [pytest.mark.integration, pytest.mark.late]


@pytest.fixture(scope="module")
def arm_lab(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Lab]:
    require_lab_tools()
    from harness.lab.arm import ensure_root
    from harness.lab.sh import LabError

    try:
        ensure_root()  # cached after the first build (about 2-4 minutes, from the Debian mirror)
    except LabError as exc:
        if "debootstrap" in str(exc) or "qemu" in str(exc) or "binfmt" in str(exc):
            pytest.skip(f"no arm64 root for the aarch64 lab host: {exc}")
        raise
    yield from lab_session(tmp_path_factory, "--hosts", "1", "--arch", "aarch64", "--identity", "kunpeng920-kylin-v10")


@pytest.fixture(scope="module")
def arm_run(arm_lab: Lab, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One certify of the aarch64 host (emulated: every command costs it about 45 ms), shared by the tests."""
    out = tmp_path_factory.mktemp("arm") / "run"
    proc = xcert(
        "certify", "-i", str(arm_lab.inventory), "--limit", "arm1", "--out", str(out), "--format", "json",
        "--no-provision", env=arm_lab.env,
    )  # fmt: skip
    assert (out / "results.json").is_file(), proc.stderr
    return out


def test_the_aarch64_host_is_certified_over_ssh_and_identified(arm_run: Path) -> None:
    host = host_of(results(arm_run), "arm1")
    assert host["reachable"] and host["complete"], host
    assert host["lab"] and host["connection"] == "ssh"
    assert host["facts"]["arch"] == "aarch64"  # uname -m over SSH, from a real aarch64 userland
    detected = host["stack"]["detected"]
    assert detected["cpu"]["catalog_id"] == "kunpeng-920"
    assert detected["os"]["catalog_id"].startswith("kylin-server-v10")
    assert not any(c["outcome"] == "error" for c in host["checks"]), host["checks"]


def test_the_aarch64_host_is_a_cell_of_its_own(arm_run: Path, tmp_path: Path) -> None:
    local = tmp_path / "local"
    proc = xcert("certify", "--profile", "quick", "--out", str(local), "--format", "json")
    assert (local / "results.json").is_file(), proc.stderr
    dirs = [local, arm_run]
    proc = xcert("matrix", *map(str, dirs), "--out", str(tmp_path / "m"))
    assert proc.returncode == 0, proc.stderr
    m = json.loads((tmp_path / "m" / "matrix.json").read_text(encoding="utf-8"))
    assert_cells_match(m, dirs)
    assert len(m["cells"]) == 2  # this machine's combination and the aarch64 host's, never merged
    arm = next(c for c in m["cells"] if c["combination"]["cpu"]["id"] == "kunpeng-920")
    assert arm["combination"]["os"]["id"] == "kylin-server-v10-sp2" and arm["sources"][0]["host"] == "arm1"
    assert [s["host"] for s in arm["sources"]] == ["arm1"]
