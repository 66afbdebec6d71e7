"""Server layer: the machine's resources, as the bundle's sizing needs them."""

from __future__ import annotations

from typing import Any

from harness.checks import N_, CheckContext, check

GIB = 1024**3


@check(
    "XC-SRV-001",
    source='proc(5) /proc/meminfo',
    layer="server",
    severity="advisory",
    title=N_("Memory reported"),
    requirement=N_("The host's total memory is recorded."),
    remedy=N_("Make /proc/meminfo readable."),
)
def test_memory(summary: dict[str, Any], xc: CheckContext) -> None:
    total = summary.get("memory_total_bytes")
    if not total:
        xc.fail(N_("Total memory could not be read"))
    xc.measure("memory_total", round(total / GIB, 2), "GiB")
    xc.note(N_("{gib} GiB of memory"), gib=f"{total / GIB:.1f}")


@check(
    "XC-SRV-002",
    source='POSIX df(1) -P output format',
    layer="server",
    severity="advisory",
    title=N_("Disks reported"),
    requirement=N_("The host's file systems, their size and free space are recorded."),
    remedy=N_("Make df available to the certifying user."),
)
def test_disks(summary: dict[str, Any], xc: CheckContext) -> None:
    disks = summary.get("disks") or []
    if not disks:
        xc.fail(N_("No file system could be read"))
    total = sum(d.get("total_bytes", 0) for d in disks)
    xc.measure("filesystems", len(disks), "count")
    xc.measure("disk_total", round(total / GIB, 1), "GiB")
    xc.note(N_("{count} file systems, {gib} GiB in all"), count=len(disks), gib=f"{total / GIB:.1f}")


@check(
    "XC-SRV-003",
    source='ip-address(8)',
    layer="server",
    severity="advisory",
    title=N_("Network interfaces reported"),
    requirement=N_("The host's network interfaces and their addresses are recorded."),
    remedy=N_("Install iproute2 (ip) on the host."),
)
def test_interfaces(summary: dict[str, Any], xc: CheckContext) -> None:
    interfaces = summary.get("interfaces") or []
    if not interfaces:
        xc.fail(N_("No network interface could be read"))
    with_address = [i for i in interfaces if i.get("addresses")]
    xc.measure("interfaces", len(interfaces), "count")
    xc.note(N_("{count} interfaces, {addressed} with an address"), count=len(interfaces), addressed=len(with_address))
