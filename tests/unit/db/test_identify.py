"""Version strings from ../shared/refdata/README.md (section 3.1) and from real servers identify correctly."""

from __future__ import annotations

import pytest

from harness import catalog
from harness.db.identify import PRODUCTS, normalize_arch, parse_version

# (family, version string, product, version, arch); source in the comment of each row
CASES = [
    # refdata 3.1: openGauss exporter utils_test.go
    (
        "postgresql",
        "PostgreSQL 9.2.4 (openGauss 2.0.0 build 78689da9) compiled at 2021-03-31 21:04:03 commit 0 last mr   "
        "on x86_64-unknown-linux-gnu, compiled by g++ (GCC) 7.3.0, 64-bit",
        "opengauss",
        "2.0.0",
        "x86_64",
    ),
    (
        "postgresql",
        "(openGauss 1.0.1 build 89d339ca) compiled at 2020-12-10 10:10:10 commit 0 last mr",
        "opengauss",
        "1.0.1",
        None,
    ),
    (
        "postgresql",
        "PostgreSQL 9.2.4 (GaussDB Kernel V500R001C20 build 9eff8f60) compiled at 2021-09-24 10:10:25 commit 0 "
        "last mr   on x86_64-unknown-linux-gnu, compiled by g++ (GCC) 7.3.0, 64-bit",
        "gaussdb",
        "V500R001C20",
        "x86_64",
    ),
    # refdata 3.1: KingbaseES version() [index-only]
    (
        "postgresql",
        "KingbaseES V008R006C006B0013PS003 on x86_64-pc-linux-gnu, compiled by gcc (GCC) 4.1.2 20080704 "
        "(Red Hat 4.1.2-46), 64-bit",
        "kingbasees",
        "V008R006C006B0013PS003",
        "x86_64",
    ),
    # refdata 3.1: HighGo psql banner [index-only]
    ("postgresql", "HighGo Database V4.2 Standard Edition Release 4.2.1 - 64-bit Production", "highgo", "4.2", None),
    # refdata 3.1: openGauss-style banner naming Vastbase G100 V<major>.<minor>
    (
        "postgresql",
        "PostgreSQL 9.2.4 (Vastbase G100 V2.2 (Build 10)) compiled at 2022-06-01 on aarch64-unknown-linux-gnu",
        "vastbase",
        "2.2",
        "aarch64",
    ),
    # real: this machine's PostgreSQL 15 (Debian 12)
    (
        "postgresql",
        "PostgreSQL 15.18 (Debian 15.18-0+deb12u1) on x86_64-pc-linux-gnu, compiled by gcc (Debian 12.2.0-14+deb12u1) "
        "12.2.0, 64-bit",
        "postgresql",
        "15.18",
        "x86_64",
    ),
    # real: PostgreSQL on arm64 (Debian/Ubuntu build string)
    (
        "postgresql",
        "PostgreSQL 16.4 on aarch64-unknown-linux-gnu, compiled by gcc 12.2.0, 64-bit",
        "postgresql",
        "16.4",
        "aarch64",
    ),
    # refdata 3.1: OceanBase SELECT VERSION() [index-only]
    ("mysql", "5.7.25-OceanBase_CE-v4.2.1.8", "oceanbase", "4.2.1.8", None),
    # refdata 3.1: pingcap/tidb const.go ServerVersion
    ("mysql", "8.0.11-TiDB-v7.5.0", "tidb", "v7.5.0"[1:], None),
    # refdata 3.1: GBase 8a (uncertain provenance)
    ("mysql", "8.6.2-R43.34.27468a27", "gbase-8a", "8.6.2-R43.34.27468a27", None),
    # real: this machine's MariaDB 10.11 (Debian 12), and the 5.5.5- prefix of its handshake
    ("mysql", "10.11.19-MariaDB-0+deb12u1", "mariadb", "10.11.19", None),
    ("mysql", "5.5.5-10.11.6-MariaDB-0+deb12u1", "mariadb", "10.11.6", None),
    # real: MySQL 8
    ("mysql", "8.0.35", "mysql", "8.0.35", None),
    # refdata 3.1: Dameng V$VERSION rows (lxgczg/HappySunshine README)
    (
        "dameng",
        "DM Database Server 64 V8\nDB Version: 0x7000c\n03134284194-20240703-234060-20108\nMsg Version: 12\n"
        "Gsu level(5) cnt: 0",
        "dm8",
        "8 (03134284194-20240703-234060-20108)",
        None,
    ),
]


@pytest.mark.parametrize(
    ("family", "text", "product", "version", "arch"), CASES, ids=[c[2] + ":" + c[3] for c in CASES]
)
def test_version_strings_identify(family: str, text: str, product: str, version: str, arch: str | None) -> None:
    ident = parse_version(family, text)
    assert (ident.product, ident.version, ident.arch) == (product, version, arch)
    assert ident.name == PRODUCTS[product].name
    assert ident.xinchuang == PRODUCTS[product].xinchuang


def test_mysql_arch_comes_from_version_compile_machine() -> None:
    assert parse_version("mysql", "8.0.35", "aarch64").arch == "aarch64"
    assert parse_version("mysql", "8.0.35", "x86_64").arch == "x86_64"
    assert parse_version("mysql", "8.0.35", "").arch is None


def test_unknown_strings_identify_nothing() -> None:
    assert parse_version("postgresql", "SomethingDB 1.0").product is None
    assert parse_version("dameng", "").product is None
    assert parse_version("mysql", "not a version").product is None


def test_arch_aliases() -> None:
    assert normalize_arch("amd64") == "x86_64"
    assert normalize_arch("ARM64") == "aarch64"
    assert normalize_arch("loongarch64") == "loongarch64"
    assert normalize_arch("sparc") is None


def test_products_are_in_the_catalog_when_it_has_a_db_layer() -> None:
    if not catalog.load("db"):
        pytest.skip("the catalog has no db layer yet")
    missing = sorted(pid for pid in PRODUCTS if catalog.find("db", pid) is None)
    assert missing in ([], ["goldendb"]), missing  # GoldenDB has no sourced version string yet
