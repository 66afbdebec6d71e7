"""A report names each OS once: product, version, minor version and codename, nothing repeated
(from the refdata captures and the forms ../shared/refdata/README.md documents)."""

from __future__ import annotations

from pathlib import Path

import pytest

from harness.identify import identify_host
from harness.reporting.identity import shown, version_text
from tests.unit.test_identify import facts_of, sample


def _os(files: dict[str, str]) -> tuple[str | None, str | None]:
    comp = identify_host(facts_of(files)).components["os"]
    release = comp.details.get("release") or {}
    return shown(comp.product, comp.version, release), version_text(comp.version, release)


@pytest.mark.parametrize(
    ("name", "line", "version"),
    [
        # os-release says "V10 (Sword)"; the catalog names the SP: said once, not "V10 SP2 (Sword) V10 (Sword)"
        ("os-release-kylin-server-v10-sword.txt", "Kylin Linux Advanced Server V10 SP2 (Sword)", "V10 (Sword)"),
        # UOS gives its codename as VERSION_CODENAME only: never shown as the version ("20 fou")
        ("os-release-uos-server-20-fou.txt", "UnionTech OS Server 20 (fou)", "(fou)"),
        ("os-release-openeuler-20.03-lts.txt", "openEuler 20.03 LTS", "20.03 (LTS)"),
    ],
)
def test_os_lines_from_captures(refdata: Path, name: str, line: str, version: str) -> None:
    got_line, got_version = _os({"/etc/os-release": sample(refdata, name)})
    assert (got_line, got_version) == (line, version)


def test_uos_minor_version_and_edition_from_os_version(refdata: Path) -> None:
    # /etc/os-version of UOS Server 20 1001c (refdata/README.md: MinorVersion=1001, EditionName=c)
    os_version = "[Version]\nSystemName=UnionTech OS Server\nProductType=Server\nEditionName=c\nMajorVersion=20\nMinorVersion=1001\nOsBuild=12028.101\n"
    files = {"/etc/os-release": sample(refdata, "os-release-uos-server-20-fou.txt"), "/etc/os-version": os_version}
    assert _os(files) == ("UnionTech OS Server 20 1001c (fou)", "1001c (fou)")


def test_chinese_names_say_the_codename_once(refdata: Path) -> None:
    comp = identify_host(
        facts_of({"/etc/os-release": sample(refdata, "os-release-kylin-server-v10-sword.txt")})
    ).components["os"]
    assert shown(comp.name_zh, comp.version, {}) == "银河麒麟高级服务器操作系统 V10 SP2 (Sword)"
    assert shown("UnionTech OS Server 20", "20", {}) == "UnionTech OS Server 20"
