"""The catalog's data files: well-formed, sourced, and covering what issue 3 names."""

from __future__ import annotations

import re

import pytest

from harness import catalog

REQUIRED = {
    "cpu": [
        "phytium-ft1500a",
        "phytium-ft2000plus",
        "phytium-ft2000-4",
        "phytium-d2000",
        "phytium-s2500",
        "phytium-s5000c",
        "phytium-e2000",
        "phytium-d3000",
        "kunpeng-920",
        "kunpeng-950",
        "hygon-c86",
        "zhaoxin-zhangjiang",
        "zhaoxin-wudaokou",
        "zhaoxin-lujiazui",
        "zhaoxin-yongfeng",
        "loongson-3a5000",
        "loongson-3c5000",
        "loongson-3a6000",
        "loongson-3c6000",
        "loongson-3a4000",
        "loongson-3b4000",
        "sunway",
        "intel-x86",
        "amd-x86",
        "arm-generic",
    ],
    "os": [
        "kylin-server-v10-sp1",
        "kylin-server-v10-sp2",
        "kylin-server-v10-sp3",
        "kylin-server-v10-sp3-2403",
        "kylin-desktop-4.0.2",
        "kylin-desktop-v10",
        "kylin-desktop-v10-sp1",
        "kylin-desktop-v11",
        "neokylin-server-v7",
        "uos-server-20",
        "uos-desktop-20",
        "uos-desktop-25",
        "deepin-20",
        "deepin-23",
        "openeuler-20.03-lts",
        "openeuler-22.03-lts",
        "openeuler-24.03-lts",
        "openeuler-22.03-lts-sp1",
        "anolis-7",
        "anolis-8",
        "openkylin",
        "debian",
        "ubuntu",
        "centos",
        "rhel",
    ],
    "db": [
        "dm8",
        "kingbasees-v8",
        "kingbasees-v9",
        "opengauss",
        "gaussdb",
        "oceanbase",
        "tidb",
        "gbase-8a",
        "gbase-8s",
        "gbase-8c",
        "polardb-pg",
        "polardb-x",
        "highgo",
        "vastbase",
        "shentong",
        "postgresql",
        "mysql",
        "mariadb",
    ],
    "middleware": ["tongweb", "bes", "apusic", "inforsuite"],
    "server": ["huawei-taishan", "inspur", "sugon", "lenovo", "h3c", "greatwall"],
}


@pytest.mark.parametrize("layer", catalog.LAYERS)
def test_entries_are_well_formed(layer: str) -> None:
    entries = catalog.load(layer)
    assert entries, f"{layer}.yml is empty"
    ids = [e.id for e in entries]
    assert len(ids) == len(set(ids)), "duplicate ids"
    for e in entries:
        assert re.fullmatch(r"[a-z0-9][a-z0-9.+-]*", e.id), e.id
        assert e.name.get("en") and e.name.get("zh"), e.id
        assert e.vendor.get("en") and e.vendor.get("zh"), e.id
        assert e.sources and all(s.strip() for s in e.sources), e.id
        assert e.rules, f"{e.id} has no rule"
        if e.family:
            assert catalog.get(layer, e.family) is not None, f"{e.id}: family {e.family} is not an entry"


@pytest.mark.parametrize("layer", catalog.LAYERS)
def test_required_entries_exist(layer: str) -> None:
    missing = [i for i in REQUIRED[layer] if catalog.get(layer, i) is None]
    assert not missing


def test_db_entries_carry_protocol_and_port() -> None:
    for e in catalog.load("db"):
        assert e.extra.get("protocol"), e.id
    assert catalog.get("db", "dm8").extra["default_port"] == 5236  # type: ignore[union-attr]
    assert catalog.get("db", "kingbasees-v8").extra["default_port"] == 54321  # type: ignore[union-attr]
    assert catalog.get("db", "oceanbase").extra["protocol"] == "mysql"  # type: ignore[union-attr]


def test_find_by_id_name_alias_case_insensitive() -> None:
    assert catalog.find("cpu", "D2000").id == "phytium-d2000"  # type: ignore[union-attr]
    assert catalog.find("cpu", "phytium-d2000").id == "phytium-d2000"  # type: ignore[union-attr]
    assert catalog.find("cpu", "鲲鹏 920").id == "kunpeng-920"  # type: ignore[union-attr]
    assert catalog.find("os", "kylin linux advanced server v10 sp2 (sword)").id == "kylin-server-v10-sp2"  # type: ignore[union-attr]
    assert catalog.find("db", "达梦").id == "dm8"  # type: ignore[union-attr]
    # the ids the worked example inventories and the lab declare
    for layer, declared in [
        ("db", "dameng-dm8"),
        ("os", "kylin-server-v10-sp3"),
        ("cpu", "phytium-s2500"),
        ("os", "kylin-server-v10"),
        ("os", "uos-server-20"),
        ("os", "openeuler-20.03-lts"),
    ]:
        assert catalog.find(layer, declared) is not None, declared
    assert catalog.find("cpu", "no such cpu") is None


def test_lineage_walks_families() -> None:
    entry = catalog.get("os", "kylin-server-v10-sp3-2403")
    assert entry is not None
    assert catalog.lineage(entry) == ["kylin-server-v10-sp3-2403", "kylin-server-v10-sp3", "kylin-server-v10", "kylin"]


def test_best_prefers_confidence_then_specificity() -> None:
    signals = {"arm.implementer": "0x70", "arm.part": "0x663", "cpu.count": "8", "dmi.processor.version": "FT2500"}
    m = catalog.best("cpu", signals)
    assert m is not None and m.entry.id == "phytium-s2500" and m.rule.confidence == "high"


def test_arm_tables_follow_util_linux(refdata) -> None:  # type: ignore[no-untyped-def]
    rows = (refdata / "samples" / "arm-ids-utillinux-lscpu-arm.tsv").read_text().splitlines()[2:]
    parts = catalog.table("cpu", "arm_parts")
    vendors = catalog.table("cpu", "arm_implementers")
    for row in rows:
        table, ident, name = row.split("\t")[:3]
        if table == "hw_implementer" and ident in vendors:
            assert vendors[ident] == name
        if table == "hisi_part":
            assert parts["0x48"][ident] == name
        if table == "ft_part":
            assert parts["0x70"][ident] == name
