"""The aarch64 lab host: an arm64 Debian root (debootstrap + qemu-user) with its own sshd, certified over SSH."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import xcert
from tests.integration.lab_fixture import Lab, host_of, lab_session, require_lab_tools, results

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


def test_the_aarch64_host_is_certified_over_ssh_and_identified(arm_lab: Lab, tmp_path: Path) -> None:
    out = tmp_path / "run"
    proc = xcert(
        "certify", "-i", str(arm_lab.inventory), "--limit", "arm1", "--out", str(out), "--format", "json",
        "--no-provision", env=arm_lab.env,
    )  # fmt: skip
    host = host_of(results(out), "arm1")
    assert host["reachable"] and host["complete"], (host, proc.stderr)
    assert host["lab"] and host["connection"] == "ssh"
    assert host["facts"]["arch"] == "aarch64"  # uname -m over SSH, from a real aarch64 userland
    detected = host["stack"]["detected"]
    assert detected["cpu"]["catalog_id"] == "kunpeng-920"
    assert detected["os"]["catalog_id"].startswith("kylin-server-v10")
    assert not any(c["outcome"] == "error" for c in host["checks"]), host["checks"]
