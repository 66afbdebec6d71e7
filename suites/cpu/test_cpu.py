"""CPU layer: what the processor is, and whether it is what the bundle says."""

from __future__ import annotations

from typing import Any

from harness import catalog
from harness.checks import N_, CheckContext, check
from harness.identify import Component, declared_matches
from harness.terms import message


@check(
    "XC-CPU-001",
    source='proc(5) /proc/cpuinfo and uname(2); Arm MIDR_EL1 (Arm Architecture Reference Manual); the entries of harness/catalog/cpu.yml cite their own sources',
    waivable=False,  # identity/consistency: a waiver cannot change what the host is
    layer="cpu",
    severity="mandatory",
    title=N_("CPU architecture and vendor identified"),
    requirement=N_(
        "The CPU architecture (uname -m) and the CPU vendor or core (/proc/cpuinfo, lscpu) can be read and named."
    ),
    remedy=N_(
        "Make /proc/cpuinfo and uname readable to the certifying user; for an unknown CPU, add it to the catalog."
    ),
)
def test_cpu_identified(identity: dict[str, Component], xc: CheckContext) -> None:
    cpu = identity["cpu"]
    if not cpu.arch:
        xc.fail(
            N_("The CPU architecture could not be read: {reason}"),
            reason=cpu.description or message(N_("uname -m gave nothing")),
        )
    if not (cpu.catalog_id or cpu.vendor):
        xc.fail(
            N_("The CPU on {arch} could not be named: {reason}"), arch=cpu.arch, reason=cpu.description or cpu.reason
        )
    xc.note(
        N_("{arch} CPU: {product} ({vendor}), rule {rule}"),
        arch=cpu.arch,
        product=cpu.product or cpu.version or "?",
        vendor=cpu.vendor or "?",
        rule=cpu.description or cpu.rule,
    )


@check(
    "XC-CPU-002",
    source="the bundle's declaration (xc_cpu) against harness/catalog/cpu.yml, whose entries cite their sources",
    waivable=False,  # identity/consistency: a waiver cannot change what the host is
    layer="cpu",
    severity="mandatory",
    title=N_("Declared CPU matches detected CPU"),
    requirement=N_("The CPU declared for the host in the inventory (xc_cpu) is the CPU detected on it."),
    remedy=N_("Correct xc_cpu in the inventory, or certify the host the bundle really names."),
    applies_to={"declared.cpu": ["*"]},
)
def test_cpu_matches_declared(identity: dict[str, Component], declared: dict[str, str], xc: CheckContext) -> None:
    wanted = declared["cpu"]
    detected = identity["cpu"]
    shown = detected.catalog_id or detected.model or detected.product or "unknown"
    if catalog.find("cpu", wanted) is None:
        xc.fail(
            N_("Declared CPU {declared} is not in the catalog; detected {detected}"), declared=wanted, detected=shown
        )
    ok, wanted_id = declared_matches("cpu", wanted, detected)
    if not ok:
        xc.fail(N_("Declared CPU {declared} but detected {detected}"), declared=wanted_id, detected=shown)
    xc.note(N_("Declared and detected CPU agree: {declared} (detected {detected})"), declared=wanted_id, detected=shown)


@check(
    "XC-CPU-003",
    source='POSIX sysconf(_SC_PAGESIZE) / getconf(1) PAGESIZE',
    layer="cpu",
    severity="advisory",
    title=N_("Kernel page size reported"),
    requirement=N_(
        "The kernel page size is known; 64 KiB pages on aarch64 break some databases and allocators (jemalloc)."
    ),
    remedy=N_("Check that every database and binary of the bundle supports this page size (ELF LOAD alignment)."),
)
def test_page_size(summary: dict[str, Any], xc: CheckContext) -> None:
    size = summary.get("page_size")
    if not size:
        xc.fail(N_("The page size could not be read (getconf PAGESIZE)"))
    xc.measure("page_size", size, "bytes")
    if size >= 65536:
        xc.note(N_("Page size is {size} bytes: 64 KiB pages, check every binary's alignment"), size=size)
    else:
        xc.note(N_("Page size is {size} bytes"), size=size)


@check(
    "XC-CPU-010",
    source='harness/catalog/cpu.yml match rules, each with its source and confidence',
    waivable=False,  # identity/consistency: a waiver cannot change what the host is
    layer="cpu",
    severity="advisory",
    title=N_("CPU model decided with confidence"),
    requirement=N_(
        "The CPU model is decided by a catalog rule of high or medium confidence, not only by its vendor or core."
    ),
    remedy=N_(
        "Make dmidecode available to the certifying user (root), or add the processor to the catalog with its source."
    ),
)
def test_cpu_model_decided(identity: dict[str, Component], xc: CheckContext) -> None:
    cpu = identity["cpu"]
    if cpu.confidence not in ("high", "medium"):
        xc.fail(
            N_("The CPU model is not decided ({confidence}): {why}"),
            confidence=cpu.confidence,
            why=cpu.description or cpu.rule,
        )
    xc.note(
        N_("{product}: {confidence} confidence, {why}"),
        product=cpu.product,
        confidence=cpu.confidence,
        why=cpu.description or cpu.rule,
    )
