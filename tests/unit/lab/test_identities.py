"""Lab identities come from the real captures in ../shared/refdata/samples."""

from __future__ import annotations

from pathlib import Path

import pytest

from harness.errors import UsageError
from harness.lab.identities import IDENTITIES, identity_files
from harness.probes.os_release import parse_os_release


def test_every_identity_names_existing_captures(refdata: Path) -> None:
    for _, files in IDENTITIES.values():
        for sample in files.values():
            assert (refdata / "samples" / sample).is_file(), sample


def test_kylin_identity_is_the_capture_without_its_source_line(refdata: Path) -> None:
    files = identity_files("kylin-v10", "x86_64")
    assert not files["/etc/os-release"].startswith("#")
    assert parse_os_release(files["/etc/os-release"])["ID"] == "kylin"


def test_an_aarch64_capture_needs_an_aarch64_host(refdata: Path) -> None:
    with pytest.raises(UsageError, match="aarch64"):
        identity_files("kunpeng920-kylin-v10", "x86_64")
    files = identity_files("kunpeng920-kylin-v10", "aarch64")
    assert "CPU implementer\t: 0x48" in files["/proc/cpuinfo"]
    assert any(k.startswith("/sys/class/dmi/id/") for k in files)


def test_unknown_identity() -> None:
    with pytest.raises(UsageError, match="unknown lab identity"):
        identity_files("windows", "x86_64")
