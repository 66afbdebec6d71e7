"""The host checks' metadata (issue 15): ids in the area's ranges, a source, tags, the group sizes."""

from __future__ import annotations

import importlib
from collections import Counter

from harness.checks import CheckMeta

MODULES = (
    "suites.cpu.test_isa",
    "suites.os.test_pagesize",
    "suites.os.test_execcontrol",
    "suites.os.test_crypto",
    "suites.os.test_dbprereq",
    "suites.os.test_platform",
    "suites.os.test_baseline",
)
GROUP_MINIMUM = {
    "cpu-abi": 12,
    "pagesize": 5,
    "exec-control": 6,
    "sm-crypto": 6,
    "db-prereq": 12,
    "platform": 10,
    "mlps": 10,
}


def host_checks() -> list[CheckMeta]:
    metas: list[CheckMeta] = []
    for name in MODULES:
        module = importlib.import_module(name)
        metas += [fn.xcert_check for fn in vars(module).values() if hasattr(fn, "xcert_check")]
    return metas


def test_at_least_sixty_checks_with_unique_ids_in_the_areas_ranges() -> None:
    metas = host_checks()
    ids = [m.id for m in metas]
    assert len(ids) >= 60
    assert len(set(ids)) == len(ids)
    for m in metas:
        layer, number = m.id.split("-")[1], int(m.id.split("-")[2])
        assert (layer == "CPU" and 100 <= number <= 199) or (layer == "OS" and 100 <= number <= 299), m.id


def test_every_check_cites_a_source_and_carries_its_group_tag() -> None:
    for m in host_checks():
        assert m.source.strip(), m.id
        assert m.tags & set(GROUP_MINIMUM), m.id
        assert m.title and m.requirement and m.remedy, m.id


def test_every_group_has_its_minimum() -> None:
    counts = Counter(tag for m in host_checks() for tag in m.tags if tag in GROUP_MINIMUM)
    for tag, minimum in GROUP_MINIMUM.items():
        assert counts[tag] >= minimum, (tag, counts[tag])


def test_mlps_checks_cite_their_gbt_22239_clause() -> None:
    mlps = [m for m in host_checks() if "mlps" in m.tags]
    assert len(mlps) >= 10
    for m in mlps:
        assert "GB/T 22239-2019" in m.source and "8.1.4." in m.source, m.id


def test_heavy_checks_are_full_only() -> None:
    heavy = {"XC-OS-102", "XC-OS-103", "XC-OS-104", "XC-OS-105", "XC-OS-134", "XC-OS-260"}
    for m in host_checks():
        if m.id in heavy:
            assert "quick" not in m.profiles, m.id
        else:
            assert {"quick", "full"} <= set(m.profiles), m.id


def test_database_prerequisites_apply_only_when_a_database_is_declared() -> None:
    for m in host_checks():
        if "db-prereq" in m.tags:
            assert m.applies_to.get("declared.db") == ["*"], m.id


def test_docs_checks_is_generated_from_the_metadata() -> None:
    from tests.conftest import ROOT
    from tests.unit.suites.hostchecks_doc import render

    text = (ROOT / "docs" / "CHECKS.md").read_text(encoding="utf-8")
    assert text == render(), "regenerate: python -m tests.unit.suites.hostchecks_doc > docs/CHECKS.md"
    for m in host_checks():
        assert f"| {m.id} |" in text, m.id
